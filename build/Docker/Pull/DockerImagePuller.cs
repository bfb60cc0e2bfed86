using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.Docker;

namespace Build.Docker.Pull;

/// <summary>Ours: runs <c>docker pull</c> for one image from Cake.Docker's settings, <c>--quiet</c> when asked (Cake.Docker's settings have no Quiet), with docker's own error in the exception.</summary>
public sealed class DockerImagePuller(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerImagePullSettings>(fileSystem, environment, processRunner, tools)
{
    public void Pull(string reference, DockerImagePullSettings settings, bool quiet) =>
        RunAndCapture(settings, GetArguments(reference, settings, quiet), $"Pulling {reference} failed");

    public static ProcessArgumentBuilder GetArguments(string reference, DockerImagePullSettings settings, bool quiet = false)
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

        if (quiet)
        {
            builder.Append("--quiet");
        }

        builder.AppendQuoted(reference);
        return builder;
    }
}
