using Build.Registry;
using Cake.Core;

namespace Build.Aws;

/// <summary>
/// ECR rejects any push to an existing tag of an IMMUTABLE repository, even of the same image. So before pushing,
/// the tag is read: the same digest is success (nothing to push), another digest is a clear error.
/// </summary>
public static class ImmutableTags
{
    /// <summary>True when <paramref name="tag"/> already holds one of <paramref name="digests"/>; throws when it holds another image.</summary>
    public static async Task<bool> AlreadyPushedAsync(RegistryClient client, string repository, string tag, IReadOnlyCollection<string> digests, string what)
    {
        var existing = await client.HeadManifestAsync(repository, tag);
        if (existing is null)
        {
            return false;
        }

        if (digests.Contains(existing.Digest))
        {
            return true;
        }

        var ours = digests.Count == 0 ? "an image not pushed before (no digest known yet)" : string.Join(" / ", digests);
        throw new CakeException(
            $"The ECR repository {repository} on {client.Registry} is IMMUTABLE and its tag '{tag}' already holds {existing.Digest}, " +
            $"but this run's {what} is {ours}: an immutable tag cannot be overwritten. Use a new --tag-suffix, delete the tag " +
            $"(aws ecr batch-delete-image --repository-name {repository} --image-ids imageTag={tag}), or make the repository MUTABLE.");
    }
}
