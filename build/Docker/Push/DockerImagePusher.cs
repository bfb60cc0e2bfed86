using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Docker.Push;

/// <summary>Runs <c>docker push</c> for one tag.</summary>
public sealed class DockerImagePusher(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerImagePushSettings>(fileSystem, environment, processRunner, tools)
{
    public void Push(string reference, DockerImagePushSettings settings, Action<string>? onLine = null) =>
        RunAndCapture(settings, GetArguments(reference, settings), $"Pushing {reference} failed", onLine);

    public static ProcessArgumentBuilder GetArguments(string reference, DockerImagePushSettings settings)
    {
        var builder = new ProcessArgumentBuilder();
        builder.Append("push");
        if (settings.Quiet)
        {
            builder.Append("--quiet");
        }

        builder.AppendQuoted(reference);
        return builder;
    }
}
