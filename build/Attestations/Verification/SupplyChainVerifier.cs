using Build.Attestations.Provenance;
using Build.Attestations.Sbom;
using Build.Signing;
using Build.Signing.Cosign;

namespace Build.Attestations.Verification;

/// <summary>
/// Checks, with a public key, what PushImage and PushManifest attached: a cosign signature over a payload naming the
/// digest, and for an arch image a SLSA provenance and a CycloneDX SBOM about that digest, whose facts match the
/// matrix, the checkout and the registry. Each problem names the image and what differs.
/// </summary>
public sealed class SupplyChainVerifier(CosignStore store, SignatureVerifier key)
{
    /// <param name="dockerReference">The repository the payload must name (registry/repository).</param>
    public async Task<IReadOnlyList<string>> SignatureProblemsAsync(string reference, string digest, string dockerReference, CancellationToken ct = default)
    {
        var signatures = await store.ReadSignaturesAsync(digest, ct).ConfigureAwait(false);
        if (signatures.Count == 0)
        {
            return [$"{reference} ({digest}) is not signed: the registry has no {CosignTags.Signature(digest)}"];
        }

        var ours = signatures.Where(s => key.VerifyBase64(s.Payload, s.Base64Signature)).ToList();
        if (ours.Count == 0)
        {
            return [$"{reference} ({digest}): none of its {signatures.Count} signature(s) verifies with the public key (signed with another key?)"];
        }

        var claims = ours.Select(s => SimpleSigning.Read(s.Payload)).ToList();
        if (claims.Any(c => c is not null && c.Digest == digest && c.Type == SimpleSigning.CosignType && c.DockerReference == dockerReference))
        {
            return [];
        }

        return [.. claims.Select(c => c is null
            ? $"{reference}: a signature's payload is not a cosign simple-signing document"
            : $"{reference}: the signed payload names {c.DockerReference}@{c.Digest} (type '{c.Type}'), not {dockerReference}@{digest}")];
    }

    public async Task<IReadOnlyList<string>> AttestationProblemsAsync(ArchImageClaims claims, CancellationToken ct = default)
    {
        var statements = new List<InTotoStatement.Parsed>();
        var unverified = 0;
        foreach (var stored in await store.ReadAttestationsAsync(claims.Digest, ct).ConfigureAwait(false))
        {
            if (stored.Envelope is { PayloadType: DsseEnvelope.InTotoPayloadType } envelope && envelope.IsSignedBy(key)
                && InTotoStatement.Read(envelope.Payload) is { } statement && statement.SubjectDigests.Contains(claims.Digest))
            {
                statements.Add(statement);
            }
            else
            {
                unverified++;
            }
        }

        var problems = new List<string>();
        var what = $"{claims.Reference} ({claims.Digest})";
        var others = unverified > 0 ? $" ({unverified} attestation(s) there do not verify with the public key or are about another digest)" : "";
        if (statements.FirstOrDefault(s => s.PredicateType == PredicateTypes.SlsaProvenanceV1)?.Predicate is not { } provenance)
        {
            problems.Add($"{what} has no SLSA provenance signed with the public key{others}");
        }
        else
        {
            problems.AddRange(ProvenanceProblems(what, SlsaProvenance.Read(provenance), claims));
        }

        if (statements.FirstOrDefault(s => s.PredicateType == PredicateTypes.CycloneDx)?.Predicate is not { } sbom)
        {
            problems.Add($"{what} has no CycloneDX SBOM signed with the public key{others}");
        }
        else if (CycloneDx.FindPython(sbom, claims.Version) is null)
        {
            var pythons = sbom["components"]?.AsArray()
                .Where(c => c?["name"]?.GetValue<string>() is { } n && n.StartsWith("python", StringComparison.Ordinal) && !n.Contains('-', StringComparison.Ordinal))
                .Select(c => $"{c!["name"]} {c["version"]}")
                .ToList() ?? [];
            problems.Add($"{what}: the SBOM names no Python {claims.Version} (its Python packages: {(pythons.Count > 0 ? string.Join(", ", pythons) : "none")})");
        }

        return problems;
    }

    private static IEnumerable<string> ProvenanceProblems(string what, SlsaProvenance.Facts facts, ArchImageClaims claims)
    {
        if (facts.Version != claims.Version || facts.Platform != claims.Platform)
        {
            yield return $"{what}: the provenance is for version {facts.Version ?? "(none)"} on {facts.Platform ?? "(none)"}, the matrix says {claims.Version} on {claims.Platform}";
        }

        if (facts.DockerfileSha256 != claims.DockerfileSha256)
        {
            yield return $"{what}: the provenance's Dockerfile digest is sha256:{facts.DockerfileSha256 ?? "(none)"}, the Dockerfile here is sha256:{claims.DockerfileSha256}";
        }

        foreach (var wanted in claims.Bases)
        {
            var recorded = facts.Bases.FirstOrDefault(b => b.Reference == wanted.Reference);
            if (recorded is null)
            {
                yield return $"{what}: the provenance does not name the base {wanted.Reference} (it names {string.Join(", ", facts.Bases.Select(b => b.Reference).DefaultIfEmpty("none"))})";
            }
            else if (recorded.Digest != wanted.Digest)
            {
                yield return $"{what}: the provenance resolved the base {wanted.Reference} to {recorded.Digest ?? "(no digest)"}, the registry now has {wanted.Digest ?? "(nothing)"}";
            }
        }

        // An image reused by its inputs hash was built, and attested, by an earlier run of another commit.
        var reused = facts.InputsHash is not null && facts.InputsHash == claims.InputsHash;
        if (claims.Commit is not null && facts.Commit != claims.Commit && !reused)
        {
            yield return $"{what}: the provenance names commit {facts.Commit ?? "(none)"}, this checkout is {claims.Commit} (and the inputs hash differs: {facts.InputsHash ?? "(none)"} vs {claims.InputsHash ?? "(unresolved)"})";
        }
    }
}
