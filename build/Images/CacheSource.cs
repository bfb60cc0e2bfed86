using Build.Context;
using Build.Docker;
using Build.Registry;
using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Docker;

namespace Build.Images;

/// <summary>
/// The previous image of the same version and arch (the floating list <c>repo:version</c>, for the target's
/// platform), pulled so that <c>docker build --cache-from</c> can reuse its layers: the classic builder only uses local
/// images as cache. A missing or unpullable previous image is no error: the build runs without it.
/// </summary>
public static class CacheSource
{
    public static async Task<string?> PullPreviousAsync(BuildContext context, ImageTarget target)
    {
        if (context.Options.Registry is null)
        {
            return null;
        }

        var tag = ImageTags.FloatingTag(target.Version);
        var reference = context.Tags.Reference(tag);
        try
        {
            if (await context.RegistryClient.HeadManifestAsync(context.Tags.Repository, tag) is null)
            {
                context.Verbose("No previous image {0}: building without --cache-from.", reference);
                return null;
            }
        }
        catch (RegistryException e)
        {
            context.Warning("Cannot look for the previous image {0} ({1}): building without --cache-from.", reference, e.Message);
            return null;
        }

        try
        {
            context.DockerPullQuietly(new DockerImagePullSettings { Platform = target.Architecture.Platform.ToString() }.WithDockerConfig(context.DockerConfigDirectory), reference);
            context.Information("Pulled the previous image {0} for {1} as build cache", reference, target.Architecture.Platform);
            return reference;
        }
        catch (CakeException e)
        {
            context.Warning("Could not pull the previous image {0} for {1} ({2}): building without --cache-from.", reference, target.Architecture.Platform, e.Message);
            return null;
        }
    }
}
