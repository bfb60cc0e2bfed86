using Build.Docker.Build;
using Build.Docker.Inspect;
using Build.Docker.Load;
using Build.Docker.Login;
using Build.Docker.Pull;
using Build.Docker.Push;
using Build.Docker.Run;
using Build.Docker.Version;
using Build.Images;
using Cake.Core;

namespace Build.Docker;

/// <summary>The docker commands as Cake-style aliases on the context.</summary>
public static class DockerAliases
{
    public static DockerEngineInfo DockerEngine(this ICakeContext context, DockerVersionSettings settings) =>
        new DockerVersionRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).GetEngine(settings);

    /// <summary>The builder `docker build` will use (<see cref="DockerBuilder.Resolve"/>), asking the CLI only what DOCKER_BUILDKIT leaves open.</summary>
    public static DockerBuilder DockerBuilderInUse(this ICakeContext context, DockerVersionSettings settings)
    {
        var cli = new DockerClientRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools);
        return DockerBuilder.Resolve(
            context.Environment.GetEnvironmentVariable(DockerBuilder.EnvVar), cli.Path(settings), () => cli.ClientVersion(settings), () => cli.HasBuildx(settings));
    }

    public static void DockerBuild(this ICakeContext context, string contextDirectory, DockerImageBuildSettings settings) =>
        new DockerImageBuilder(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).Build(contextDirectory, settings);

    /// <returns>The digest the push reported, or null when docker printed none.</returns>
    public static string? DockerPush(this ICakeContext context, string reference, DockerImagePushSettings settings, Action<string>? onLine = null) =>
        new DockerImagePusher(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).Push(reference, settings, onLine);

    public static void DockerPull(this ICakeContext context, string reference, DockerImagePullSettings settings) =>
        new DockerImagePuller(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).Pull(reference, settings);

    public static void DockerLogin(this ICakeContext context, string registry, DockerLoginSettings settings) =>
        new DockerLoginRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).Login(registry, settings);

    public static IReadOnlyList<string> DockerImageRepoDigests(this ICakeContext context, string image, DockerImageInspectSettings settings) =>
        new DockerImageInspector(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).GetRepoDigests(image, settings);


    public static IReadOnlyList<ImageRuntime> DockerImageRuntimes(this ICakeContext context, IReadOnlyList<string> images, DockerImageInspectSettings settings) =>
        new DockerImageInspector(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).GetRuntimes(images, settings);

    public static IReadOnlyList<string> DockerRun(this ICakeContext context, string image, IReadOnlyList<string> command, DockerRunSettings settings) =>
        new DockerRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).Run(image, command, settings);

    public static void DockerLoad(this ICakeContext context, string archive, DockerImageLoadSettings settings) =>
        new DockerImageLoader(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).Load(archive, settings);
}
