using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.Docker;

namespace Build.Docker.Push;

/// <summary>Ours: runs <c>docker push</c> for one tag from Cake.Docker's settings, with docker's own error in the exception (what <see cref="DockerPushRetry"/> reads).</summary>
public sealed class DockerImagePusher(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerImagePushSettings>(fileSystem, environment, processRunner, tools)
{
    public void Push(string reference, DockerImagePushSettings settings, Action<string>? onLine = null) =>
        RunAndCapture(settings, GetArguments(reference, settings), $"Pushing {reference} failed", onLine);

    public static ProcessArgumentBuilder GetArguments(string reference, DockerImagePushSettings settings)
    {
        var builder = new ProcessArgumentBuilder();
        builder.Append("push");
        if (settings.AllTags)
        {
            builder.Append("--all-tags");
        }

        builder.Append(reference);
        return builder;
    }
}
