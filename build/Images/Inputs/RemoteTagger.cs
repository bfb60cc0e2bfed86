using Build.Registry;
using Cake.Core;

namespace Build.Images.Inputs;

/// <summary>Gives a manifest the registry holds a second tag through the registry API: the bytes are copied, no layer moves.</summary>
public static class RemoteTagger
{
    /// <param name="from">A tag, or the manifest's digest.</param>
    public static async Task<string> TagAsync(RegistryClient registry, ImageTags tags, string from, string toTag)
    {
        var repository = tags.Repository;
        var manifest = await registry.GetManifestAsync(repository, from)
            ?? throw new CakeException(
                $"{(Digests.IsDigest(from) ? $"{tags.Name}@{from}" : tags.Reference(from))} is no longer in the registry " +
                "(deleted since BuildImage looked?): rerun, or pass --force to rebuild.");
        // Already there (a rerun, or an immutable tag): nothing to write, and an immutable repository would refuse it.
        if (await registry.HeadManifestAsync(repository, toTag) is { } existing && existing.Digest == manifest.Digest)
        {
            return existing.Digest;
        }

        return await registry.PutManifestAsync(repository, toTag, manifest);
    }
}
