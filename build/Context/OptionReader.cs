using Cake.Common;
using Cake.Core;

namespace Build.Context;

/// <summary>
/// The one reader of the command line and the environment for the build and batch options: through functions, so that
/// the parsing is tested without starting the program. Blank values count as absent; values are trimmed.
/// </summary>
/// <param name="argument">An argument's value, or null when it is absent.</param>
/// <param name="environment">An environment variable's value, or null when it is unset.</param>
public sealed class OptionReader(Func<string, string?> argument, Func<string, string?> environment)
{
    public static OptionReader From(ICakeContext context) => new(
        name => context.HasArgument(name) ? context.Argument<string?>(name, null) ?? string.Empty : null,
        context.EnvironmentVariable);

    public string? Argument(string name) => NullIfBlank(argument(name));

    /// <summary>The argument, else the environment variable: arguments win.</summary>
    public string? ArgumentOrEnvironment(string name, string variable) => Argument(name) ?? Environment(variable);

    public string? Environment(string variable) => NullIfBlank(environment(variable));

    public bool Has(string name) => argument(name) is not null;

    /// <summary>A switch: present with no value, or with true or 1.</summary>
    public bool Flag(string name) => argument(name) is { } value && value.ToLowerInvariant() is "" or "true" or "1";

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
