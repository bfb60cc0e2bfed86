using Cake.Core.Annotations;

namespace Cake.Docker;

/// <summary>
/// Cake.Docker's aliases for the docker verbs this build runs (build, push, pull, load, login, run), with its names,
/// parameter order, settings and argument rendering. A stand-in: Cake.Docker is not served here. See README.md.
/// </summary>
[CakeAliasCategory("Docker")]
public static partial class DockerAliases
{
    // Cake.Docker throws ArgumentNullException for an empty string as well.
    private static void ThrowIfNullOrEmpty(string? value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentNullException(name);
        }
    }
}
