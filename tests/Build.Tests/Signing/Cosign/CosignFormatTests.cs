using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Build.Registry;
using Build.Signing;
using Build.Signing.Cosign;
using Cake.Core;

namespace Build.Tests.Signing.Cosign;

/// <summary>The cosign formats byte for byte, as cosign's specs and its Go code write them.</summary>
public sealed class CosignFormatTests
{
    private static readonly string Digest = "sha256:" + new string('a', 64);

    [Test]
    public void Should_write_the_simple_signing_payload_as_cosign_does() =>
        Assert.That(Encoding.UTF8.GetString(SimpleSigning.Create("127.0.0.1:5000/python", Digest)), Is.EqualTo(
            $$$"""{"critical":{"identity":{"docker-reference":"127.0.0.1:5000/python"},"image":{"docker-manifest-digest":"{{{Digest}}}"},"type":"cosign container image signature"},"optional":null}"""));

    [Test]
    public void Should_read_back_the_claims_of_a_payload()
    {
        var claims = SimpleSigning.Read(SimpleSigning.Create("r.example/team/python", Digest));

        Assert.That(claims, Is.EqualTo(new SimpleSigning.Claims("r.example/team/python", Digest, SimpleSigning.CosignType)));
        Assert.That(SimpleSigning.Read("not json"u8.ToArray()), Is.Null);
    }

    [Test]
    public void Should_name_signature_and_attestation_tags_after_the_digest()
    {
        Assert.That(CosignTags.Signature(Digest), Is.EqualTo("sha256-" + new string('a', 64) + ".sig"));
        Assert.That(CosignTags.Attestation(Digest), Is.EqualTo("sha256-" + new string('a', 64) + ".att"));
        Assert.That(() => CosignTags.Signature("latest"), Throws.ArgumentException);
    }

    [Test]
    public void Should_encode_the_dsse_pae_as_the_spec_example() =>
        Assert.That(Encoding.UTF8.GetString(DsseEnvelope.Pae("http://example.com/HelloWorld", "hello world"u8)),
            Is.EqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world"));

    [Test]
    public async Task Should_sign_the_pae_not_the_payload_and_round_trip_the_envelope()
    {
        using var signer = PemSigner.FromPem(ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKeyPem(), "test");
        var payload = """{"_type":"https://in-toto.io/Statement/v1"}"""u8.ToArray();

        var envelope = await DsseEnvelope.SignAsync(DsseEnvelope.InTotoPayloadType, payload, signer);
        var read = DsseEnvelope.Read(envelope.ToJson())!;
        var verifier = await signer.GetVerifierAsync();

        Assert.That(read.PayloadType, Is.EqualTo("application/vnd.in-toto+json"));
        Assert.That(read.Payload, Is.EqualTo(payload));
        Assert.That(read.IsSignedBy(verifier), Is.True);
        Assert.That(verifier.Verify(DsseEnvelope.Pae(read.PayloadType, payload), read.Signatures[0].Sig), Is.True);
        Assert.That(verifier.Verify(payload, read.Signatures[0].Sig), Is.False, "the signature is over the PAE, not the bare payload");
        Assert.That(Encoding.UTF8.GetString(envelope.ToJson()), Does.StartWith("{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"").And.Contain("\"signatures\":[{\"keyid\":\"\",\"sig\":\""));
    }

    [Test]
    public void Should_write_the_signature_manifest_with_the_layer_annotation_and_an_empty_image_config()
    {
        var payload = SimpleSigning.Create("r/p", Digest);
        var layer = new CosignLayer(SimpleSigning.MediaType, Digests.Sha256(payload), payload.Length,
            new Dictionary<string, string> { [CosignLayer.SignatureAnnotation] = "MEUCIQ+/=" });

        var config = CosignManifest.Config([layer]);
        var manifest = CosignManifest.Create(config, [layer]);

        Assert.That(Encoding.UTF8.GetString(config), Is.EqualTo(
            $$$"""{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["{{{layer.Digest}}}"]},"config":{}}"""));
        Assert.That(manifest.MediaType, Is.EqualTo(MediaTypes.OciManifest));
        using var json = JsonDocument.Parse(manifest.Body);
        var written = json.RootElement.GetProperty("layers")[0];
        Assert.That(written.GetProperty("mediaType").GetString(), Is.EqualTo("application/vnd.dev.cosign.simplesigning.v1+json"));
        Assert.That(written.GetProperty("annotations").GetProperty("dev.cosignproject.cosign/signature").GetString(), Is.EqualTo("MEUCIQ+/="));
        Assert.That(json.RootElement.GetProperty("config").GetProperty("digest").GetString(), Is.EqualTo(Digests.Sha256(config)));
        Assert.That(CosignManifest.Layers(manifest).Single(), Is.EqualTo(layer).Using<CosignLayer>((a, b) => a.Digest == b.Digest && a.Annotations.SequenceEqual(b.Annotations)));
    }

    [TestCase("awskms:///alias/python-images", "alias/python-images", null)]
    [TestCase("awskms:///1234abcd-12ab-34cd-56ef-1234567890ab", "1234abcd-12ab-34cd-56ef-1234567890ab", null)]
    [TestCase("awskms:///arn:aws:kms:eu-west-1:111122223333:alias/sign", "arn:aws:kms:eu-west-1:111122223333:alias/sign", "eu-west-1")]
    public void Should_read_a_kms_key_reference_as_cosign_names_it(string value, string keyId, string? region)
    {
        var key = (KmsKeyReference)KeyReference.Parse(value, "--signing-key");

        Assert.That(key.KeyId, Is.EqualTo(keyId));
        Assert.That(key.Region, Is.EqualTo(region));
        Assert.That(key.ToString(), Is.EqualTo(value));
    }

    [TestCase("awskms://localhost:4566/alias/x", "three slashes")]
    [TestCase("awskms:///", "does not name a KMS key")]
    [TestCase("awskms:///alias x", "does not name a KMS key")]
    [TestCase("gcpkms://projects/p/keys/k", "neither a PEM file nor a KMS key")]
    public void Should_reject_a_key_reference_it_cannot_use_naming_it(string value, string message) =>
        Assert.That(() => KeyReference.Parse(value, "--signing-key"), Throws.InstanceOf<CakeException>().With.Message.Contains(value).And.Message.Contains(message));

    [Test]
    public void Should_take_a_file_path_as_a_pem_file() =>
        Assert.That(KeyReference.Parse("keys/cosign.pem", "--signing-key"), Is.EqualTo(new KeyFileReference("keys/cosign.pem")));
}
