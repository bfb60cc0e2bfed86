using Build.Docker;
using Build.Docker.Inspect;
using Build.Http;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Docker;

namespace Build.Steps.PublishArchImage;

/// <summary><see cref="IImageDocker"/> through this build's docker aliases, with the run's DOCKER_CONFIG and retry policy.</summary>
public sealed class CakeImageDocker(ICakeContext context, string? dockerConfig, RetryPolicy retry) : IImageDocker
{
    public IReadOnlyList<string> RepoDigests(string reference) =>
        context.DockerImageRepoDigests(new DockerImageInspectSettings(), reference);

    public string? Push(string reference) =>
        context.DockerPushWithRetry(
            new DockerImagePushSettings().WithDockerConfig(dockerConfig),
            reference,
            retry,
            line => context.Log.Warning("{0}", line),
            line => context.Log.Verbose("{0}", line));
}
