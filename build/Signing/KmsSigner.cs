using System.Security.Cryptography;
using Build.Aws;

namespace Build.Signing;

/// <summary>
/// A KMS key (<c>awskms:///&lt;key id, alias or ARN&gt;</c>): the SHA-256 digest goes to KMS Sign (ECDSA_SHA_256), as
/// cosign's awskms signer sends it; the private key never leaves KMS. The public key is asked once per run.
/// </summary>
public sealed class KmsSigner(KmsClient kms, KmsKeyReference key) : ISigner
{
    private Task<SignatureVerifier>? _verifier;

    public string Description => key.ToString();

    public Task<byte[]> SignAsync(byte[] message, CancellationToken ct = default) =>
        kms.SignDigestAsync(key.KeyId, SHA256.HashData(message), ct);

    public Task<SignatureVerifier> GetVerifierAsync(CancellationToken ct = default) => _verifier ??= LoadAsync(ct);

    private async Task<SignatureVerifier> LoadAsync(CancellationToken ct) =>
        SignatureVerifier.FromSubjectPublicKeyInfo(await kms.GetPublicKeyAsync(key.KeyId, ct).ConfigureAwait(false), Description);
}
