namespace Build.Signing;

/// <summary>
/// A signing key as cosign uses it: ECDSA P-256, SHA-256 over the message's exact bytes, an ASN.1 DER signature.
/// The private half never leaves the implementation (memory, or KMS).
/// </summary>
public interface ISigner
{
    /// <summary>What the key is, for logs and the summary: a file name or a KMS key id, never key material.</summary>
    string Description { get; }

    Task<byte[]> SignAsync(byte[] message, CancellationToken ct = default);

    /// <summary>The public half, to find this key's own signatures again (reruns add none) and for --verify.</summary>
    Task<SignatureVerifier> GetVerifierAsync(CancellationToken ct = default);
}
