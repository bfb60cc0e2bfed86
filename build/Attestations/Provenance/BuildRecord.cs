namespace Build.Attestations.Provenance;

/// <summary>
/// What went into building one arch image, for its SLSA provenance: the matrix entry, the Dockerfile and its digest,
/// the build args and platform, each base as named and as resolved, the inputs hash, the source, and the run.
/// </summary>
public sealed record BuildRecord(
    string MatrixFile,
    string Version,
    string Architecture,
    string Platform,
    string DockerfilePath,
    string DockerfileSha256,
    IReadOnlyDictionary<string, string> BuildArgs,
    IReadOnlyList<ResolvedBase> Bases,
    string? InputsHash,
    string? SourceRepository,
    string? Commit,
    string BuilderId,
    string InvocationId,
    DateTimeOffset StartedOn,
    DateTimeOffset FinishedOn);

/// <summary>A FROM image as the Dockerfile names it (ARGs applied) and the digest its registry gave; null when unresolved.</summary>
public sealed record ResolvedBase(string Reference, string? Digest);
