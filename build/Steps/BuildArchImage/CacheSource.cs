using Build.Docker;
using Build.Images;
using Build.Registry;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Docker;

namespace Build.Steps.BuildArchImage;

/// <summary>
/// The previous image of the same version and arch (the floating list <c>repo:version</c>, for the target's
/// platform), pulled so that <c>docker build --cache-from</c> can reuse its layers: the classic builder only uses local
/// images as cache. A missing or unpullable previous image is no error: the build runs without it.
/// </summary>
/// <param name="registry">The target registry's client; null: no --registry, no previous image.</param>
public sealed class CacheSource(ICakeContext docker, RegistryClient? registry, ImageTags tags, string? dockerConfig)
{
    public async Task<string?> PullPreviousAsync(ImageTarget target)
    {
        if (registry is null)
        {
            return null;
        }

        var log = docker.Log;
        var tag = ImageTags.FloatingTag(target.Version);
        var reference = tags.Reference(tag);
        try
        {
            if (await registry.HeadManifestAsync(tags.Repository, tag) is null)
            {
                log.Verbose("No previous image {0}: building without --cache-from.", reference);
                return null;
            }
        }
        catch (RegistryException e)
        {
            log.Warning("Cannot look for the previous image {0} ({1}): building without --cache-from.", reference, e.Message);
            return null;
        }

        try
        {
            docker.DockerPullQuietly(new DockerImagePullSettings { Platform = target.Architecture.Platform.ToString() }.WithDockerConfig(dockerConfig), reference);
            log.Information("Pulled the previous image {0} for {1} as build cache", reference, target.Architecture.Platform);
            return reference;
        }
        catch (CakeException e)
        {
            log.Warning("Could not pull the previous image {0} for {1} ({2}): building without --cache-from.", reference, target.Architecture.Platform, e.Message);
            return null;
        }
    }
}
