using Build.Context;
using Build.Signing.Cosign;
using Cake.Common.Diagnostics;

namespace Build.SupplyChain;

/// <summary>
/// PushManifest's hooks: sign each pushed manifest list (one signature per digest, whatever its tags), and copy the
/// .sig and .att of the images and the list to --public-registry with their exact bytes, before the list goes there.
/// </summary>
public static class ManifestListSupplyChain
{
    public static async Task SignAsync(BuildContext context, string version, string digest)
    {
        if (context.Signing.Signer is not { } signer)
        {
            return;
        }

        var reference = context.Tags.Reference(context.Tags.VersionTag(version));
        var signed = await new CosignStore(context.RegistryClient, context.Tags.Repository).SignAsync(digest, context.Tags.Name, signer);
        context.Information("{0} {1}: signature {2}", reference, digest, signed.Added == 0 ? $"already in {signed.Tag}" : $"added to {signed.Tag}");
        context.State.Signed.Add(new SignedArtifact(reference, "signed (.sig)", signed.ManifestDigest));
    }

    /// <summary>Copies the signatures and attestations of every arch image of <paramref name="list"/> and of the list itself.</summary>
    public static async Task PromoteAsync(BuildContext context, ManifestListPlan list, string listDigest)
    {
        var target = context.PublicRegistry!;
        var repository = target.Repository(context.Tags.Repository);
        var store = new CosignStore(context.RegistryClient, context.Tags.Repository);
        foreach (var digest in list.Entries.Select(e => e.Descriptor.Digest).Append(listDigest).Distinct())
        {
            var copied = await store.CopyAsync(digest, context.PublicRegistryClient, repository, line => context.Verbose("{0}", line));
            if (copied.Count > 0)
            {
                context.Information("Copied {0} of {1} to {2}/{3}", string.Join(" and ", copied), digest, target.Host, repository);
            }
        }
    }
}
