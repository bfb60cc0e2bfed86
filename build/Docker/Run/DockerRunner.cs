using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.Docker;

namespace Build.Docker.Run;

/// <summary>
/// Ours: runs <c>docker run</c> from Cake.Docker's settings, with a pull policy (<see cref="NeverPull"/> for an image
/// built here: never a registry's image of the same name), and returns every line the container printed. Cake.Docker's
/// DockerRun returns only the first line, passes the command's arguments unquoted, and has no pull setting.
/// </summary>
public sealed class DockerRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerContainerRunSettings>(fileSystem, environment, processRunner, tools)
{
    /// <summary>docker's <c>--pull</c> policy for an image that must be the local one.</summary>
    public const string NeverPull = "never";

    public IReadOnlyList<string> Run(string image, IReadOnlyList<string> command, DockerContainerRunSettings settings, string? pull) =>
        RunAndCapture(settings, GetArguments(image, command, settings, pull), $"Running {image} failed");

    public static ProcessArgumentBuilder GetArguments(string image, IReadOnlyList<string> command, DockerContainerRunSettings settings, string? pull = null)
    {
        var builder = new ProcessArgumentBuilder();
        builder.Append("run");
        if (settings.Rm == true)
        {
            builder.Append("--rm");
        }

        if (settings.Platform is not null)
        {
            builder.Append("--platform").Append(settings.Platform);
        }

        if (settings.Network is not null)
        {
            builder.Append("--network").Append(settings.Network);
        }

        if (pull is not null)
        {
            builder.Append($"--pull={pull}");
        }

        if (settings.Entrypoint is not null)
        {
            builder.Append("--entrypoint").AppendQuoted(settings.Entrypoint);
        }

        builder.AppendQuoted(image);
        foreach (var argument in command)
        {
            builder.AppendQuoted(argument);
        }

        return builder;
    }
}
