using System.Security.Cryptography;
using Cake.Core;

namespace Build.Signing;

/// <summary>An ECDSA P-256 public key that checks DER signatures of SHA-256 over a message (cosign's scheme).</summary>
public sealed class SignatureVerifier : IDisposable
{
    private readonly ECDsa _key;

    private SignatureVerifier(ECDsa key) => _key = key;

    /// <summary>The public key as PEM (SubjectPublicKeyInfo, "BEGIN PUBLIC KEY"), as `cosign verify --key` reads it.</summary>
    public string Pem => _key.ExportSubjectPublicKeyInfoPem();

    public static SignatureVerifier FromPrivateKey(ECDsa privateKey)
    {
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(privateKey.ExportSubjectPublicKeyInfo(), out _);
        return new SignatureVerifier(key);
    }

    /// <summary>A "BEGIN PUBLIC KEY" PEM (e.g. --public-key's file); <paramref name="source"/> names it in errors.</summary>
    public static SignatureVerifier FromPem(string pem, string source)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new CakeException($"{source} is not a PEM ECDSA public key (\"-----BEGIN PUBLIC KEY-----\"): {e.Message} " +
                "Make one from the private key with `openssl pkey -in key.pem -pubout -out key.pub`.");
        }

        return Checked(key, source);
    }

    /// <summary>A DER SubjectPublicKeyInfo, as KMS GetPublicKey returns it.</summary>
    public static SignatureVerifier FromSubjectPublicKeyInfo(byte[] der, string source)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(der, out _);
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new CakeException($"The public key of {source} is not an ECDSA key: {e.Message}");
        }

        return Checked(key, source);
    }

    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> derSignature)
    {
        try
        {
            return _key.VerifyData(message, derSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Checks a base64 signature (as the cosign annotation holds it); false for one that is not base64.</summary>
    public bool VerifyBase64(ReadOnlySpan<byte> message, string? base64Signature)
    {
        if (string.IsNullOrEmpty(base64Signature))
        {
            return false;
        }

        try
        {
            return Verify(message, Convert.FromBase64String(base64Signature));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public void Dispose() => _key.Dispose();

    private static SignatureVerifier Checked(ECDsa key, string source)
    {
        if (key.KeySize != 256 || key.ExportParameters(false).Curve.Oid.Value != EcdsaCurves.P256Oid)
        {
            key.Dispose();
            throw new CakeException($"{source} is not a P-256 key: cosign's scheme (ECDSA P-256, SHA-256) needs one.");
        }

        return new SignatureVerifier(key);
    }
}

internal static class EcdsaCurves
{
    /// <summary>secp256r1 / prime256v1 / NIST P-256.</summary>
    public const string P256Oid = "1.2.840.10045.3.1.7";
}
