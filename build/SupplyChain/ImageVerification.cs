using Build.Attestations.Verification;
using Build.Context;
using Build.Images;
using Build.Images.Inputs;
using Build.Registry;
using Build.Signing.Cosign;
using Cake.Common.Diagnostics;
using Cake.Core;

namespace Build.SupplyChain;

/// <summary>
/// VerifyImage (and PushManifest --verify): for each selected arch image, its signature, its provenance against the
/// matrix, the checkout and the registry, and its SBOM's Python; for each list of the selected versions, its signature
/// and that it holds exactly the matrix's platforms. Fails naming every image and what differs.
/// </summary>
public static class ImageVerification
{
    public static async Task RunAsync(BuildContext context)
    {
        var key = await context.Signing.PublicKeyAsync();
        var verifier = new SupplyChainVerifier(new CosignStore(context.RegistryClient, context.Tags.Repository), key);
        var problems = new List<string>();
        var checkedImages = 0;
        var checkedLists = 0;
        foreach (var entry in context.Selection.Versions)
        {
            var expected = new Dictionary<Platform, string>();
            foreach (var architecture in entry.Architectures)
            {
                var target = context.Selection.Images.FirstOrDefault(i => i.Entry == entry && i.Architecture == architecture) ?? new ImageTarget(entry, architecture);
                var reference = context.Tags.Reference(context.Tags.ArchTag(target));
                if (await context.RegistryClient.HeadManifestAsync(context.Tags.Repository, context.Tags.ArchTag(target)) is not { } pushed)
                {
                    problems.Add($"{reference} is not in the registry");
                    continue;
                }

                var digest = await ArchImageSupplyChain.ImageDigestAsync(context, target, pushed.Digest);
                expected[architecture.Platform] = digest;
                if (!context.Selection.Images.Contains(target))
                {
                    continue;
                }

                problems.AddRange(await verifier.SignatureProblemsAsync(reference, digest, context.Tags.Name));
                problems.AddRange(await verifier.AttestationProblemsAsync(await ClaimsAsync(context, target, reference, digest)));
                checkedImages++;
            }

            foreach (var tag in context.Tags.ManifestTags(entry.Version))
            {
                var reference = context.Tags.Reference(tag);
                if (await context.RegistryClient.GetManifestAsync(context.Tags.Repository, tag) is not { } list)
                {
                    problems.Add($"the manifest list {reference} is not in the registry");
                    continue;
                }

                problems.AddRange(ManifestListVerifier.Verify(list, expected).Select(p => $"the manifest list {reference} ({list.Digest}) is not exactly the matrix's platforms: {p}"));
                problems.AddRange(await verifier.SignatureProblemsAsync(reference, list.Digest, context.Tags.Name));
                checkedLists++;
            }
        }

        if (problems.Count > 0)
        {
            throw new CakeException($"Verification failed ({problems.Count} problem(s)):{Environment.NewLine}" + string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
        }

        context.Information("Verified {0} arch image(s) (signature, SLSA provenance, SBOM) and {1} manifest list(s) (signature, platforms) with the public key.", checkedImages, checkedLists);
    }

    private static async Task<ArchImageClaims> ClaimsAsync(BuildContext context, ImageTarget target, string reference, string digest)
    {
        var inputs = await context.InputsResolver().ResolveAsync(target);
        var record = await ArchImageSupplyChain.BuildRecordAsync(context, target, inputs);
        return new ArchImageClaims(reference, digest, target.Version, record.Platform, record.DockerfileSha256, record.Bases, record.Commit, record.InputsHash);
    }
}
