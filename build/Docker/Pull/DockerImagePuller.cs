using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Docker.Pull;

/// <summary>Runs <c>docker pull</c> for one image.</summary>
public sealed class DockerImagePuller(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerImagePullSettings>(fileSystem, environment, processRunner, tools)
{
    public void Pull(string reference, DockerImagePullSettings settings) =>
        RunAndCapture(settings, GetArguments(reference, settings), $"Pulling {reference} failed");

    public static ProcessArgumentBuilder GetArguments(string reference, DockerImagePullSettings settings)
    {
        var builder = new ProcessArgumentBuilder();
        builder.Append("pull");
        if (settings.Platform is not null)
        {
            builder.Append("--platform").Append(settings.Platform);
        }

        if (settings.Quiet)
        {
            builder.Append("--quiet");
        }

        builder.AppendQuoted(reference);
        return builder;
    }
}
