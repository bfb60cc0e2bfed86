using Build.Images;
using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Docker.Inspect;

/// <summary>Runs <c>docker image inspect</c> to read the platform a local image was built for.</summary>
public sealed class DockerImageInspector(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerImageInspectSettings>(fileSystem, environment, processRunner, tools)
{
    public Platform GetPlatform(string image, DockerImageInspectSettings settings)
    {
        var output = RunAndCapture(settings, GetArguments(image), $"Cannot inspect {image}");
        var parts = string.Concat(output).Trim().Split('/');
        return new Platform(parts[0], parts[1], parts.Length > 2 && parts[2].Length > 0 ? parts[2] : null);
    }

    /// <summary>The image's RepoDigests (name@sha256:…), known for images pushed or pulled before.</summary>
    public IReadOnlyList<string> GetRepoDigests(string image, DockerImageInspectSettings settings)
    {
        var arguments = new ProcessArgumentBuilder()
            .Append("image").Append("inspect")
            .Append("--format").AppendQuoted("{{range .RepoDigests}}{{println .}}{{end}}")
            .Append(image);
        return RunAndCapture(settings, arguments, $"Cannot inspect {image}").Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
    }

    /// <summary>
    /// For each image, what decides how it runs: platform, filesystem layers (diff ids) and the config a container
    /// starts from (entrypoint, command, environment, user, working directory). Equal strings run alike.
    /// </summary>
    public IReadOnlyList<string> GetRuntimeIdentities(IReadOnlyList<string> images, DockerImageInspectSettings settings)
    {
        var arguments = new ProcessArgumentBuilder()
            .Append("image").Append("inspect")
            .Append("--format").AppendQuoted(RuntimeIdentityFormat);
        foreach (var image in images)
        {
            arguments.Append(image);
        }

        return RunAndCapture(settings, arguments, $"Cannot inspect {string.Join(", ", images)}").Where(l => l.Trim().Length > 0).ToList();
    }

    public const string RuntimeIdentityFormat =
        "{{.Os}}/{{.Architecture}}/{{.Variant}} {{json .RootFS.Layers}} {{json .Config.Entrypoint}} {{json .Config.Cmd}} " +
        "{{json .Config.Env}} {{json .Config.User}} {{json .Config.WorkingDir}}";

    public static ProcessArgumentBuilder GetArguments(string image) =>
        new ProcessArgumentBuilder()
            .Append("image").Append("inspect")
            .Append("--format").AppendQuoted("{{.Os}}/{{.Architecture}}/{{.Variant}}")
            .Append(image);
}
