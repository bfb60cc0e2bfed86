
namespace Build.Registry;

/// <summary>
/// What a registry says about a manifest without its body (HEAD), or one entry of a manifest list:
/// its media type, digest, size in bytes and, in a list, the platform it is for.
/// </summary>
public sealed record ManifestDescriptor(string MediaType, string Digest, long Size, Platform? Platform = null)
{
    /// <summary>BuildKit's attestation entries in an index claim the platform unknown/unknown.</summary>
    public bool IsAttestation => Platform is { Os: "unknown", Architecture: "unknown" };
}
