using System.Text.Json.Nodes;
using Build.Attestations.Provenance;
using Build.Attestations.Sbom;
using Build.Registry;
using Build.Signing;
using Build.Signing.Cosign;

namespace Build.Attestations;

/// <summary>
/// Signs a pushed arch image and attaches its CycloneDX SBOM and SLSA provenance (in-toto statements in DSSE
/// envelopes, cosign's .att layout). The SBOM comes from TestImage's run when there was one, else from the previous
/// image when its layers are the same, else from the image's layers in the registry.
/// </summary>
/// <param name="imageName">The repository with its registry: the signature's identity and the statements' subject name.</param>
public sealed class ArchImageAttestor(CosignStore store, ISigner signer, string imageName, string tool)
{
    public async Task<ArchImageAttestation> AttachAsync(
        string digest, PackageInventory? inventory, Manifest? previous, BuildRecord build, CancellationToken ct = default)
    {
        var signature = await store.SignAsync(digest, imageName, signer, ct).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        JsonObject bom;
        string method;
        if (inventory is not null)
        {
            bom = CycloneDx.Create(inventory, imageName, digest, tool, now);
            method = "from TestImage's run";
        }
        else
        {
            var image = await store.Registry.GetManifestAsync(store.Repository, digest, ct).ConfigureAwait(false)
                ?? throw new RegistryException($"{imageName}@{digest} is not in the registry: it was pushed a moment ago; was it deleted?");
            var key = await signer.GetVerifierAsync(ct).ConfigureAwait(false);
            if (previous is not null && await PreviousSbom.TryTakeAsync(store, key, image, previous, ct).ConfigureAwait(false) is { } earlier)
            {
                bom = PreviousSbom.Retarget(earlier, imageName, digest, previous.Digest, now);
                method = $"the previous image's ({previous.Digest}: the same layers)";
            }
            else
            {
                bom = CycloneDx.Create(await LayerInventory.ReadAsync(store.Registry, store.Repository, image, ct).ConfigureAwait(false), imageName, digest, tool, now);
                method = "from its layers";
            }
        }

        var attestations = await store.AttestAsync(
            digest,
            [
                (PredicateTypes.CycloneDx, InTotoStatement.Create(imageName, digest, PredicateTypes.CycloneDx, bom)),
                (PredicateTypes.SlsaProvenanceV1, InTotoStatement.Create(imageName, digest, PredicateTypes.SlsaProvenanceV1, SlsaProvenance.Create(build))),
            ],
            signer,
            ct).ConfigureAwait(false);
        return new ArchImageAttestation(signature, attestations, method, bom["components"]?.AsArray().Count ?? 0);
    }
}

/// <summary>What was attached: the .sig and .att results, where the SBOM came from and how many components it has.</summary>
public sealed record ArchImageAttestation(AttachResult Signature, AttachResult Attestations, string SbomMethod, int SbomComponents);
