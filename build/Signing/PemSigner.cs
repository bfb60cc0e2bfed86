using System.Security.Cryptography;
using Cake.Core;

namespace Build.Signing;

/// <summary>
/// A private key held in memory only: read from a PEM file or from SIGNING_KEY's text, never written anywhere. Errors
/// name where the key came from, never what it holds.
/// </summary>
public sealed class PemSigner : ISigner, IDisposable
{
    private readonly ECDsa _key;
    private SignatureVerifier? _verifier;

    private PemSigner(ECDsa key, string description)
    {
        _key = key;
        Description = description;
    }

    public string Description { get; }

    /// <param name="pem">PKCS#8 ("BEGIN PRIVATE KEY") or SEC1 ("BEGIN EC PRIVATE KEY"), P-256, unencrypted.</param>
    /// <param name="source">Where it came from, for messages: "the key file ./key.pem", "SIGNING_KEY".</param>
    public static PemSigner FromPem(ReadOnlySpan<char> pem, string source)
    {
        var key = ECDsa.Create();
        try
        {
            if (pem.Contains("ENCRYPTED", StringComparison.Ordinal))
            {
                throw new CakeException(
                    $"{source} holds an encrypted private key: give an unencrypted PKCS#8 PEM (keep it in a secret store, e.g. SIGNING_KEY from " +
                    "AWS Secrets Manager), or use a KMS key (--signing-key=awskms:///alias/<name>). cosign's own encrypted key files are not read.");
            }

            key.ImportFromPem(pem);
            _ = key.ExportParameters(includePrivateParameters: true);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            // The exception text of the importer never quotes the PEM; still, say only what kind of thing was expected.
            throw new CakeException(
                $"{source} is not a PEM ECDSA private key (expected \"-----BEGIN PRIVATE KEY-----\", PKCS#8, curve P-256). " +
                "Make one with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem`.");
        }
        catch
        {
            key.Dispose();
            throw;
        }

        if (key.KeySize != 256 || key.ExportParameters(false).Curve.Oid.Value != EcdsaCurves.P256Oid)
        {
            key.Dispose();
            throw new CakeException($"{source} is an ECDSA key on another curve than P-256: cosign's scheme needs P-256 (prime256v1).");
        }

        return new PemSigner(key, source);
    }

    public Task<byte[]> SignAsync(byte[] message, CancellationToken ct = default) =>
        Task.FromResult(_key.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    public Task<SignatureVerifier> GetVerifierAsync(CancellationToken ct = default) =>
        Task.FromResult(_verifier ??= SignatureVerifier.FromPrivateKey(_key));

    public void Dispose()
    {
        _key.Dispose();
        _verifier?.Dispose();
    }
}
