using System.Security.Cryptography;
using Build.Signing;
using Cake.Core;

namespace Build.Tests.Signing;

public sealed class SigningKeyTests
{
    [Test]
    public async Task Should_sign_with_ecdsa_p256_sha256_in_der_that_the_public_key_verifies()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var signer = PemSigner.FromPem(key.ExportPkcs8PrivateKeyPem(), "test key");
        var message = "payload"u8.ToArray();

        var signature = await signer.SignAsync(message);

        Assert.That(signature[0], Is.EqualTo(0x30), "an ASN.1 DER SEQUENCE");
        Assert.That(key.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence), Is.True);
        using var verifier = SignatureVerifier.FromPem(key.ExportSubjectPublicKeyInfoPem(), "public");
        Assert.That(verifier.Verify(message, signature), Is.True);
        Assert.That(verifier.Verify("other"u8, signature), Is.False);
        Assert.That(verifier.VerifyBase64(message, "not base64!"), Is.False);
    }

    [Test]
    public void Should_read_a_sec1_ec_private_key_too()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.That(() => PemSigner.FromPem(key.ExportECPrivateKeyPem(), "sec1").Dispose(), Throws.Nothing);
    }

    [Test]
    public void Should_refuse_another_curve_and_say_p256()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.That(() => PemSigner.FromPem(key.ExportPkcs8PrivateKeyPem(), "the key file k.pem"),
            Throws.InstanceOf<CakeException>().With.Message.Contains("the key file k.pem").And.Message.Contains("P-256"));
    }

    [Test]
    public void Should_refuse_a_public_key_as_signing_key_without_quoting_it()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportSubjectPublicKeyInfoPem();

        var error = Assert.Throws<CakeException>(() => PemSigner.FromPem(pem, "SIGNING_KEY"))!;

        Assert.That(error.Message, Does.Contain("SIGNING_KEY").And.Contain("private key"));
        Assert.That(error.Message, Does.Not.Contain(pem.Split('\n')[1]));
    }

    [Test]
    public void Should_refuse_an_encrypted_key_and_say_what_to_use_instead()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));

        var error = Assert.Throws<CakeException>(() => PemSigner.FromPem(pem, "the key file k.pem"))!;

        Assert.That(error.Message, Does.Contain("encrypted").And.Contain("awskms:///"));
        Assert.That(error.Message, Does.Not.Contain(pem.Split('\n')[1]));
    }

    [Test]
    public void Should_refuse_text_that_is_no_key_without_quoting_it()
    {
        var secret = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----";

        var error = Assert.Throws<CakeException>(() => PemSigner.FromPem(secret, "SIGNING_KEY"))!;

        Assert.That(error.Message, Does.Contain("SIGNING_KEY").And.Contain("openssl genpkey"));
        Assert.That(error.Message, Does.Not.Contain("bm90IGEga2V5IGF0IGFsbA"));
    }
}
