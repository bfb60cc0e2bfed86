using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Docker.Load;

/// <summary>Runs <c>docker load --input</c> for an image archive.</summary>
public sealed class DockerImageLoader(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerImageLoadSettings>(fileSystem, environment, processRunner, tools)
{
    public void Load(string archive, DockerImageLoadSettings settings) =>
        RunAndCapture(settings, GetArguments(archive), $"Loading {archive} failed");

    public static ProcessArgumentBuilder GetArguments(string archive) =>
        new ProcessArgumentBuilder().Append("load").Append("--input").AppendQuoted(archive);
}
