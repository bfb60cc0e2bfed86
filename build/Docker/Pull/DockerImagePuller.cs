using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.Docker;

namespace Build.Docker.Pull;

/// <summary>Ours: runs <c>docker pull --quiet</c> (Cake.Docker's settings have no Quiet) for one image, with docker's own error in the exception.</summary>
public sealed class DockerImagePuller(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerImagePullSettings>(fileSystem, environment, processRunner, tools)
{
    public void Pull(string reference, DockerImagePullSettings settings) =>
        RunAndCapture(settings, GetArguments(reference, settings), $"Pulling {reference} failed");

    public static ProcessArgumentBuilder GetArguments(string reference, DockerImagePullSettings settings)
    {
        var builder = new ProcessArgumentBuilder();
        builder.Append("pull");
        if (settings.AllTags == true)
        {
            builder.Append("--all-tags");
        }

        if (settings.Platform is not null)
        {
            builder.Append("--platform").Append(settings.Platform);
        }

        // The progress is captured, not shown: only the image's name is worth reading.
        builder.Append("--quiet");
        builder.Append(reference);
        return builder;
    }
}
