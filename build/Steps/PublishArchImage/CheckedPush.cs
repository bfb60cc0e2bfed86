using Build.Registry;
using Cake.Core;

namespace Build.Steps.PublishArchImage;

/// <summary>
/// `docker push` with retries, then the registry is asked what the tag holds: the digest the push reported must be
/// there (another writer may have moved the tag). Shared by PushImage's arch images and BaseImage's.
/// </summary>
public sealed class CheckedPush(IImageDocker docker, RegistryClient registry)
{
    /// <returns>The digest the push reported and the tag holds.</returns>
    public async Task<string> PushAsync(string reference, string repository, string tag)
    {
        var digest = docker.Push(reference) ?? throw new CakeException(
            $"docker push {reference} succeeded but printed no '<tag>: digest: sha256:… size: …' line, so what it pushed is unknown; nothing was recorded.");
        var now = await registry.HeadManifestAsync(repository, tag);
        if (now?.Digest != digest)
        {
            throw new CakeException(
                $"docker push reported {reference} as {digest}, but the registry's tag now holds {now?.Digest ?? "nothing"}: something changed the tag " +
                "after this push (another run pushing the same tag?). Nothing was recorded and the inputs tag was not set, so a rerun builds and pushes again.");
        }

        return digest;
    }
}
