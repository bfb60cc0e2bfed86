using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Docker.Run;

/// <summary>Runs <c>docker run</c> and returns what the container printed.</summary>
public sealed class DockerRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerRunSettings>(fileSystem, environment, processRunner, tools)
{
    public IReadOnlyList<string> Run(string image, IReadOnlyList<string> command, DockerRunSettings settings) =>
        RunAndCapture(settings, GetArguments(image, command, settings), $"Running {image} failed");

    public static ProcessArgumentBuilder GetArguments(string image, IReadOnlyList<string> command, DockerRunSettings settings)
    {
        var builder = new ProcessArgumentBuilder();
        builder.Append("run");
        if (settings.Remove)
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

        if (settings.Pull is not null)
        {
            builder.Append($"--pull={settings.Pull}");
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
