using Build.Attestations.Provenance;

namespace Build.Attestations.Verification;

/// <summary>What an arch image's attestations must say, from the matrix, the checkout and the registry now.</summary>
/// <param name="Bases">Each base as the Dockerfile names it, with the digest its registry gives now.</param>
/// <param name="Commit">The commit of this run; an image reused by its inputs hash names the run that built it.</param>
/// <param name="InputsHash">The inputs hash computed now (null when a base could not be resolved).</param>
public sealed record ArchImageClaims(
    string Reference,
    string Digest,
    string Version,
    string Platform,
    string DockerfileSha256,
    IReadOnlyList<ResolvedBase> Bases,
    string? Commit,
    string? InputsHash);
