using Build.Registry;
using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Docker.Inspect;

/// <summary>Runs <c>docker image inspect</c> to read what local images were built for and how they run.</summary>
public sealed class DockerImageInspector(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerImageInspectSettings>(fileSystem, environment, processRunner, tools)
{
    /// <summary>One inspect for all the images, in their order.</summary>
    public IReadOnlyList<ImageRuntime> GetRuntimes(IReadOnlyList<string> images, DockerImageInspectSettings settings) =>
        RunAndCapture(settings, GetArguments(images), $"Cannot inspect {string.Join(", ", images)}")
            .Where(line => line.Trim().Length > 0)
            .Select(ImageRuntime.Parse)
            .ToList();

    /// <summary>The image's RepoDigests (name@sha256:…), known for images pushed or pulled before.</summary>
    public IReadOnlyList<string> GetRepoDigests(string image, DockerImageInspectSettings settings)
    {
        var arguments = new ProcessArgumentBuilder()
            .Append("image").Append("inspect")
            .Append("--format").AppendQuoted("{{range .RepoDigests}}{{println .}}{{end}}")
            .AppendQuoted(image);
        return RunAndCapture(settings, arguments, $"Cannot inspect {image}").Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
    }

    public static ProcessArgumentBuilder GetArguments(IReadOnlyList<string> images)
    {
        var arguments = new ProcessArgumentBuilder()
            .Append("image").Append("inspect")
            .Append("--format").AppendQuoted(ImageRuntime.Format);
        foreach (var image in images)
        {
            arguments.AppendQuoted(image);
        }

        return arguments;
    }
}

/// <summary>
/// What decides how a local image runs: its platform, filesystem layers (diff ids) and the config a container starts
/// from (entrypoint, command, environment, user, working directory). Equal identities run alike.
/// </summary>
public sealed record ImageRuntime(Platform Platform, string Identity)
{
    public const string Format =
        "{{.Os}}/{{.Architecture}}/{{.Variant}} {{json .RootFS.Layers}} {{json .Config.Entrypoint}} {{json .Config.Cmd}} " +
        "{{json .Config.Env}} {{json .Config.User}} {{json .Config.WorkingDir}}";

    public static ImageRuntime Parse(string line)
    {
        // The format's first word is os/architecture/variant, with a trailing slash when there is no variant.
        var identity = line.Trim();
        return new ImageRuntime(Platform.Parse(identity.Split(' ', 2)[0].TrimEnd('/')), identity);
    }
}
