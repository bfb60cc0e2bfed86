using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.Docker;

namespace Build.Docker.Run;

/// <summary>
/// Ours: runs an image built here with <c>docker run --pull=never</c> (never a registry's image of the same name) from
/// Cake.Docker's settings, and returns every line the container printed. Cake.Docker's DockerRun returns only the
/// first line, passes the command's arguments unquoted, and has no pull setting.
/// </summary>
public sealed class DockerRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerContainerRunSettings>(fileSystem, environment, processRunner, tools)
{
    public IReadOnlyList<string> Run(string image, IReadOnlyList<string> command, DockerContainerRunSettings settings) =>
        RunAndCapture(settings, GetArguments(image, command, settings), $"Running {image} failed");

    public static ProcessArgumentBuilder GetArguments(string image, IReadOnlyList<string> command, DockerContainerRunSettings settings)
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

        builder.Append("--pull=never");
        if (settings.Entrypoint is not null)
        {
            builder.Append("--entrypoint").AppendQuoted(settings.Entrypoint);
        }

        builder.Append(image);
        foreach (var argument in command)
        {
            builder.AppendQuoted(argument);
        }

        return builder;
    }
}
