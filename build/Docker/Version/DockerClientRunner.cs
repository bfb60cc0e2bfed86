using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Docker.Version;

/// <summary>What the docker CLI says of itself, without asking the engine: its path, <c>docker --version</c>, <c>docker buildx version</c>.</summary>
public sealed class DockerClientRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerVersionSettings>(fileSystem, environment, processRunner, tools)
{
    /// <summary>The CLI Cake's tool resolution finds (the settings' ToolPath, a registered tool, then PATH).</summary>
    public string Path(DockerVersionSettings settings) => GetToolPath(settings)?.FullPath ?? "docker";

    /// <summary>"28.2.2" from "Docker version 28.2.2, build e6534b4".</summary>
    public string ClientVersion(DockerVersionSettings settings)
    {
        var line = RunAndCapture(settings, new ProcessArgumentBuilder().Append("--version"), "docker --version failed").FirstOrDefault() ?? string.Empty;
        return ParseVersion(line);
    }

    public bool HasBuildx(DockerVersionSettings settings)
    {
        try
        {
            RunAndCapture(settings, new ProcessArgumentBuilder().Append("buildx").Append("version"), "docker buildx is not installed");
            return true;
        }
        catch (CakeException)
        {
            return false;
        }
    }

    public static string ParseVersion(string line)
    {
        const string prefix = "Docker version ";
        var rest = line.StartsWith(prefix, StringComparison.Ordinal) ? line[prefix.Length..] : line;
        return rest.Split(',')[0].Trim();
    }
}
