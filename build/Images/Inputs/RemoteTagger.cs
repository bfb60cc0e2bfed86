using Build.Context;
using Cake.Core;

namespace Build.Images.Inputs;

/// <summary>Gives a manifest the registry holds a second tag through the registry API: the bytes are copied, no layer moves.</summary>
public static class RemoteTagger
{
    /// <param name="from">A tag, or the manifest's digest.</param>
    public static async Task<string> TagAsync(BuildContext context, string from, string toTag)
    {
        var repository = context.Tags.Repository;
        var manifest = await context.RegistryClient.GetManifestAsync(repository, from)
            ?? throw new CakeException(
                $"{(Registry.Digests.IsDigest(from) ? $"{context.Tags.Name}@{from}" : context.Tags.Reference(from))} is no longer in the registry " +
                "(deleted since BuildImage looked?): rerun, or pass --force to rebuild.");
        // Already there (a rerun, or an immutable tag): nothing to write, and an immutable repository would refuse it.
        if (await context.RegistryClient.HeadManifestAsync(repository, toTag) is { } existing && existing.Digest == manifest.Digest)
        {
            return existing.Digest;
        }

        return await context.RegistryClient.PutManifestAsync(repository, toTag, manifest);
    }
}
