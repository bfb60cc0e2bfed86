using Build.Context;
using Build.Dockerfiles;
using Build.Http;
using Build.Registry;
using Cake.Common.Diagnostics;

namespace Build.Images.Inputs;

/// <summary>
/// Computes an arch image's <see cref="ImageInputs"/>, asking each base's registry for its digest. Returns null (and
/// says why) when there is no target registry or a base's digest cannot be read: the image is then built normally.
/// </summary>
public static class ImageInputsResolver
{
    public static async Task<ImageInputs?> ResolveAsync(BuildContext context, ImageTarget target)
    {
        if (context.Options.Registry is null)
        {
            return null;
        }

        var buildArgs = ImageBuildSettingsFactory.BuildArgs(context, target).ToList();
        var text = await File.ReadAllTextAsync(target.Entry.DockerfilePath);
        var digests = new List<KeyValuePair<string, string>>();
        foreach (var image in DockerfileChecker.Bases(text, buildArgs.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal)))
        {
            var digest = await BaseDigestAsync(context, image);
            if (digest is null)
            {
                return null;
            }

            digests.Add(new(image, digest));
        }

        return ImageInputs.Compute(target, target.Entry.DockerfilePath, target.Entry.ContextDirectory, buildArgs, digests);
    }

    private static async Task<string?> BaseDigestAsync(BuildContext context, string image)
    {
        if (!ImageReference.TryParse(Qualified(image), out var reference) || reference is null)
        {
            context.Warning("Cannot tell the digest of the base '{0}' (not a registry reference): building without the unchanged-inputs check.", image);
            return null;
        }

        if (reference.Digest is { } pinned)
        {
            return pinned;
        }

        try
        {
            if (reference.Registry.Equals(context.RegistryHost, StringComparison.OrdinalIgnoreCase))
            {
                return (await context.RegistryClient.HeadManifestAsync(reference.Repository, reference.Reference))?.Digest
                    ?? Missing(context, image);
            }

            // Another registry: with docker's login for it, as `docker build --pull` has.
            using var client = new RegistryClient(
                reference.Registry, context.LoginFor(reference.Registry), retry: RetryPolicy.Default.WithMaxAttempts(2), onRetry: line => context.Verbose("{0}", line));
            return (await client.HeadManifestAsync(reference.Repository, reference.Reference))?.Digest ?? Missing(context, image);
        }
        catch (Exception e) when (e is RegistryException or Cake.Core.CakeException)
        {
            // A registry error, or docker's login for it could not be read (e.g. its credential helper is missing).
            context.Warning("Cannot read the digest of the base {0} from its registry ({1}): building normally, without the unchanged-inputs check.", image, e.Message);
            return null;
        }
    }

    private static string? Missing(BuildContext context, string image)
    {
        context.Warning("The base {0} is not in its registry: building normally, without the unchanged-inputs check.", image);
        return null;
    }

    // Docker's short names: "amazonlinux:2" is docker.io/library/amazonlinux:2, "arm64v8/amazonlinux:2" docker.io/arm64v8/amazonlinux:2.
    private static string Qualified(string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? null : image[..slash];
        var hasHost = first is not null && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost");
        return hasHost ? image : slash < 0 ? $"docker.io/library/{image}" : $"docker.io/{image}";
    }
}
