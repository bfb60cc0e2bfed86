using Build.Registry;

namespace Build.Signing.Cosign;

/// <summary>Cosign's tag-based discovery: the digest sha256:abc… is found under the tags sha256-abc….sig and ….att.</summary>
public static class CosignTags
{
    public static string Signature(string digest) => Prefix(digest) + ".sig";

    public static string Attestation(string digest) => Prefix(digest) + ".att";

    private static string Prefix(string digest) => Digests.IsDigest(digest)
        ? digest.Replace(':', '-')
        : throw new ArgumentException($"'{digest}' is not a sha256 digest.", nameof(digest));
}
