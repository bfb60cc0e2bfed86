using Build.Dockerfiles;
using Build.Http;
using Build.Registry;

namespace Build.Images.Inputs;

/// <summary>
/// Computes an arch image's <see cref="ImageInputs"/>, asking each base's registry for its digest. Returns null (and
/// says why) when there is no target registry or a base's digest cannot be read: the image is then built normally.
/// </summary>
/// <param name="registry">The target registry's client; null: no target registry, no inputs.</param>
/// <param name="loginFor">The login for another registry a base comes from (docker's, as `docker build --pull` has).</param>
public sealed class ImageInputsResolver(
    RegistryClient? registry, ImageTags tags, Func<string, IRegistryCredentialProvider> loginFor, Action<string> warn, Action<string> verbose)
{
    public async Task<ImageInputs?> ResolveAsync(ImageTarget target)
    {
        if (registry is null)
        {
            return null;
        }

        var buildArgs = ImageBuildSettingsFactory.BuildArgs(tags, target).ToList();
        var text = await File.ReadAllTextAsync(target.Entry.DockerfilePath);
        var digests = new List<KeyValuePair<string, string>>();
        foreach (var image in DockerfileChecker.Bases(text, buildArgs.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal)))
        {
            var digest = await BaseDigestAsync(registry, image);
            if (digest is null)
            {
                return null;
            }

            digests.Add(new(image, digest));
        }

        return ImageInputs.Compute(target, target.Entry.DockerfilePath, target.Entry.ContextDirectory, buildArgs, digests);
    }

    private async Task<string?> BaseDigestAsync(RegistryClient target, string image)
    {
        if (!ImageReference.TryParse(Qualified(image), out var reference) || reference is null)
        {
            warn($"Cannot tell the digest of the base '{image}' (not a registry reference): building without the unchanged-inputs check.");
            return null;
        }

        if (reference.Digest is { } pinned)
        {
            return pinned;
        }

        try
        {
            if (reference.Registry.Equals(tags.Registry, StringComparison.OrdinalIgnoreCase))
            {
                return (await target.HeadManifestAsync(reference.Repository, reference.Reference))?.Digest
                    ?? Missing(image);
            }

            // Another registry: with docker's login for it, as `docker build --pull` has.
            using var client = new RegistryClient(
                reference.Registry, loginFor(reference.Registry), retry: RetryPolicy.Default.WithMaxAttempts(2), onRetry: verbose);
            return (await client.HeadManifestAsync(reference.Repository, reference.Reference))?.Digest ?? Missing(image);
        }
        catch (Exception e) when (e is RegistryException or Cake.Core.CakeException)
        {
            // A registry error, or docker's login for it could not be read (e.g. its credential helper is missing).
            warn($"Cannot read the digest of the base {image} from its registry ({e.Message}): building normally, without the unchanged-inputs check.");
            return null;
        }
    }

    private string? Missing(string image)
    {
        warn($"The base {image} is not in its registry: building normally, without the unchanged-inputs check.");
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
