using Build.Docker.Build;
using Build.Docker.Inspect;
using Build.Docker.Login;
using Build.Docker.Pull;
using Build.Docker.Push;
using Build.Docker.Run;
using Build.Docker.Version;
using Build.Http;
using Cake.Core;
using Cake.Docker;

namespace Build.Docker;

/// <summary>
/// This build's own docker aliases, beside Cake.Docker's (<see cref="DockerAliases"/>): what Cake.Docker does not do.
/// Each takes Cake.Docker's settings type for its verb (settings first, as Cake.Docker's aliases do), so they work the
/// same with the Cake.Docker package. Each runs through a runner of ours whose GetArguments, rendered by
/// <see cref="DockerTool{TSettings}.Render"/>, is also what --dryrun prints.
/// </summary>
public static class ProductDockerAliases
{
    /// <summary><c>docker version</c>: the engine's version and platform (Cake.Docker has no such alias).</summary>
    public static DockerEngineInfo DockerEngine(this ICakeContext context, DockerVersionSettings settings) =>
        new DockerVersionRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).GetEngine(settings);

    /// <summary>The builder `docker build` will use (<see cref="DockerBuilder.Resolve"/>), asking the CLI only what DOCKER_BUILDKIT leaves open.</summary>
    public static DockerBuilder DockerBuilderInUse(this ICakeContext context, DockerVersionSettings settings)
    {
        var cli = new DockerClientRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools);
        return DockerBuilder.Resolve(
            context.Environment.GetEnvironmentVariable(DockerBuilder.EnvVar), cli.Path(settings), () => cli.ClientVersion(settings), () => cli.HasBuildx(settings));
    }

    /// <summary><c>docker build</c> with the settings' labels as one LABEL step (<see cref="LabelInstruction"/>) instead of a step per <c>--label</c>.</summary>
    public static void DockerBuildWithLabelStep(this ICakeContext context, DockerImageBuildSettings settings, string path) =>
        new DockerImageBuilder(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).Build(path, settings);

    /// <summary><c>docker push</c>, rerun while docker's error says the registry or network failed (<see cref="DockerPushRetry"/>).</summary>
    /// <returns>The digest the successful push reported, or null when docker printed none.</returns>
    public static string? DockerPushWithRetry(
        this ICakeContext context, DockerImagePushSettings settings, string imageReference, RetryPolicy policy, Action<string> onRetry, Action<string>? onLine = null)
    {
        var pusher = new DockerImagePusher(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools);
        string? reported = null;
        DockerPushRetry.Run(imageReference, () => reported = pusher.Push(imageReference, settings, onLine), policy, onRetry);
        return reported;
    }

    /// <summary><c>docker pull --quiet</c>, with docker's own error in the exception.</summary>
    public static void DockerPullQuietly(this ICakeContext context, DockerImagePullSettings settings, string imageReference) =>
        new DockerImagePuller(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).Pull(imageReference, settings, quiet: true);

    /// <summary><c>docker login --password-stdin</c>: the settings' password goes to docker's standard input, never its command line.</summary>
    public static void DockerLoginWithPasswordStdin(this ICakeContext context, DockerRegistryLoginSettings settings, string server) =>
        new DockerLoginRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).Login(server, settings);

    /// <summary>The image's RepoDigests (<c>docker image inspect</c>; Cake.Docker has no such alias).</summary>
    public static IReadOnlyList<string> DockerImageRepoDigests(this ICakeContext context, DockerImageInspectSettings settings, string image) =>
        new DockerImageInspector(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).GetRepoDigests(image, settings);

    /// <summary>What the images run as (<c>docker image inspect</c>, one call), in their order.</summary>
    public static IReadOnlyList<ImageRuntime> DockerImageRuntimes(this ICakeContext context, DockerImageInspectSettings settings, IReadOnlyList<string> images) =>
        new DockerImageInspector(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).GetRuntimes(images, settings);

    /// <summary><c>docker run --pull=never</c> of an image built here, its command's arguments quoted; every line it printed.</summary>
    public static IReadOnlyList<string> DockerRunBuiltImage(this ICakeContext context, DockerContainerRunSettings settings, string image, IReadOnlyList<string> command) =>
        new DockerRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools).Run(image, command, settings, DockerRunner.NeverPull);
}
