using System.Text.Json.Nodes;
using Build.Attestations;
using Build.Attestations.Provenance;
using Build.Attestations.Sbom;
using Build.Attestations.Verification;
using Build.Images;
using Build.Registry;
using Build.Signing;
using Build.Signing.Cosign;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Signing.Cosign;

/// <summary>
/// Signatures and attestations in a real registry, checked by the verifier outside our code (cosign_verify.py, Python's
/// cryptography) and by the product's own verifier: what they accept, and the three things they must reject.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class CosignStoreTests
{
    private const string Repository = "signed";
    private static readonly Platform Amd64 = new("linux", "amd64");
    private LocalRegistry _registry = null!;
    private RegistryClient _client = null!;
    private TestKeyPair _key = null!;
    private TestKeyPair _otherKey = null!;
    private PemSigner _signer = null!;
    private PemSigner _otherSigner = null!;

    private string Identity => $"{_registry.Address}/{Repository}";

    [OneTimeSetUp]
    public async Task Start()
    {
        _registry = await LocalRegistry.StartAsync();
        _client = _registry.CreateClient();
        _key = new TestKeyPair();
        _otherKey = new TestKeyPair();
        _signer = PemSigner.FromPem(_key.PrivatePem, "test key");
        _otherSigner = PemSigner.FromPem(_otherKey.PrivatePem, "other key");
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _signer?.Dispose();
        _otherSigner?.Dispose();
        _key?.Dispose();
        _otherKey?.Dispose();
        _client?.Dispose();
        _registry?.Dispose();
    }

    [Test]
    public async Task Should_sign_so_that_a_verifier_outside_our_code_accepts_the_signature()
    {
        var digest = await PushImageAsync("a");

        var signed = await Store().SignAsync(digest, Identity, _signer);

        Assert.That(signed.Added, Is.EqualTo(1));
        Assert.That(signed.Tag, Is.EqualTo(digest.Replace(':', '-') + ".sig"));
        var verified = ExternalVerifier.Run("signature", _registry.Address, Repository, _key.PublicKeyPath, "a");
        Assert.That(verified.ExitCode, Is.EqualTo(0), verified.Output);
        Assert.That(await Verifier(_signer).SignatureProblemsAsync("a", digest, Identity), Is.Empty);
    }

    [Test]
    public async Task Should_add_no_entry_when_the_same_key_signs_the_same_payload_again()
    {
        var digest = await PushImageAsync("b");
        var first = await Store().SignAsync(digest, Identity, _signer);

        var again = await Store().SignAsync(digest, Identity, _signer);

        Assert.That(again.Added, Is.EqualTo(0));
        Assert.That(again.ManifestDigest, Is.EqualTo(first.ManifestDigest));
        Assert.That((await _client.HeadManifestAsync(Repository, first.Tag))!.Digest, Is.EqualTo(first.ManifestDigest));
        Assert.That(await Store().ReadSignaturesAsync(digest), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Should_keep_another_keys_signature_beside_its_own()
    {
        var digest = await PushImageAsync("c");
        await Store().SignAsync(digest, Identity, _otherSigner);

        var signed = await Store().SignAsync(digest, Identity, _signer);

        Assert.That(signed.Total, Is.EqualTo(2));
        Assert.That(ExternalVerifier.Run("signature", _registry.Address, Repository, _key.PublicKeyPath, "c").ExitCode, Is.EqualTo(0));
        Assert.That(ExternalVerifier.Run("signature", _registry.Address, Repository, _otherKey.PublicKeyPath, "c").ExitCode, Is.EqualTo(0));
    }

    [Test]
    public async Task Should_be_rejected_outside_our_code_when_signed_with_another_key()
    {
        var digest = await PushImageAsync("d");
        await Store().SignAsync(digest, Identity, _otherSigner);

        var verified = ExternalVerifier.Run("signature", _registry.Address, Repository, _key.PublicKeyPath, "d");

        Assert.That(verified.ExitCode, Is.EqualTo(1), verified.Output);
        Assert.That(verified.Output, Does.Contain("does not verify with the public key"));
        Assert.That(await Verifier(_signer).SignatureProblemsAsync("d", digest, Identity), Has.One.Contains("signed with another key"));
    }

    [Test]
    public async Task Should_be_rejected_outside_our_code_when_unsigned()
    {
        var digest = await PushImageAsync("e");

        var verified = ExternalVerifier.Run("signature", _registry.Address, Repository, _key.PublicKeyPath, "e");

        Assert.That(verified.ExitCode, Is.EqualTo(1), verified.Output);
        Assert.That(verified.Output, Does.Contain("is not signed"));
        Assert.That(await Verifier(_signer).SignatureProblemsAsync("e", digest, Identity), Has.One.Contains("is not signed"));
    }

    [Test]
    public async Task Should_be_rejected_outside_our_code_when_the_payload_names_another_digest()
    {
        var signedDigest = await PushImageAsync("f-signed");
        var otherDigest = await PushImageAsync("f-other");
        var signature = await Store().SignAsync(signedDigest, Identity, _signer);
        // A valid signature of one image, put where the other image's signature belongs (as an attacker could).
        var moved = await _client.GetManifestAsync(Repository, signature.Tag);
        await _client.PutManifestAsync(Repository, CosignTags.Signature(otherDigest), moved!);

        var verified = ExternalVerifier.Run("signature", _registry.Address, Repository, _key.PublicKeyPath, "f-other");

        Assert.That(verified.ExitCode, Is.EqualTo(1), verified.Output);
        Assert.That(verified.Output, Does.Contain($"the payload names digest {signedDigest}, not {otherDigest}"));
        Assert.That(await Verifier(_signer).SignatureProblemsAsync("f-other", otherDigest, Identity), Has.One.Contains(signedDigest));
    }

    [Test]
    public async Task Should_attest_in_dsse_envelopes_that_verify_outside_our_code_and_not_again_on_a_rerun()
    {
        var digest = await PushImageAsync("g");
        var statements = Statements(digest);

        var first = await Store().AttestAsync(digest, statements, _signer);
        var rerun = await Store().AttestAsync(digest, Statements(digest), _signer);

        Assert.That(first.Added, Is.EqualTo(2));
        Assert.That(rerun.Added, Is.EqualTo(0));
        Assert.That(rerun.ManifestDigest, Is.EqualTo(first.ManifestDigest));
        var verified = ExternalVerifier.Run("attestations", _registry.Address, Repository, _key.PublicKeyPath, "g",
            "--platform", "linux/amd64", "--version", "3.11", "--dockerfile-sha256", new string('d', 64),
            "--base", $"{_registry.Address}/debian-python:bookworm=sha256:{new string('b', 64)}", "--commit", new string('c', 40), "--python", "3.11");
        Assert.That(verified.ExitCode, Is.EqualTo(0), verified.Output);
        var claims = new ArchImageClaims("g", digest, "3.11", "linux/amd64", new string('d', 64),
            [new ResolvedBase($"{_registry.Address}/debian-python:bookworm", "sha256:" + new string('b', 64))], new string('c', 40), "inputs");
        Assert.That(await Verifier(_signer).AttestationProblemsAsync(claims), Is.Empty);
    }

    [Test]
    public async Task Should_reject_attestations_made_with_another_key_or_another_build()
    {
        var digest = await PushImageAsync("h");
        await Store().AttestAsync(digest, Statements(digest), _otherSigner);

        var otherKey = ExternalVerifier.Run("attestations", _registry.Address, Repository, _key.PublicKeyPath, "h");
        Assert.That(otherKey.ExitCode, Is.EqualTo(1), otherKey.Output);
        Assert.That(otherKey.Output, Does.Contain("no DSSE signature verifies with the public key"));

        await Store().AttestAsync(digest, Statements(digest), _signer);
        var otherBuild = ExternalVerifier.Run("attestations", _registry.Address, Repository, _key.PublicKeyPath, "h", "--commit", new string('e', 40), "--python", "3.12");
        Assert.That(otherBuild.ExitCode, Is.EqualTo(1), otherBuild.Output);
        Assert.That(otherBuild.Output, Does.Contain("expected " + new string('e', 40)).And.Contain("python3.12"));

        var claims = new ArchImageClaims("h", digest, "3.12", "linux/amd64", new string('0', 64), [], new string('e', 40), "other inputs");
        var problems = await Verifier(_signer).AttestationProblemsAsync(claims);
        Assert.That(problems, Has.Some.Contains("Dockerfile digest").And.Some.Contains("names commit " + new string('c', 40)).And.Some.Contains("names no Python 3.12"));
    }

    [Test]
    public async Task Should_copy_signatures_and_attestations_to_another_registry_with_their_digests()
    {
        using var target = await LocalRegistry.StartAsync();
        using var targetClient = target.CreateClient();
        var digest = await PushImageAsync("i");
        var signature = await Store().SignAsync(digest, Identity, _signer);
        var attestations = await Store().AttestAsync(digest, Statements(digest), _signer);
        await new ImageCopier(_client, targetClient).CopyAsync(Repository, "alias/signed", digest, "i");

        var copied = await Store().CopyAsync(digest, targetClient, "alias/signed");

        Assert.That(copied, Is.EqualTo(new[] { signature.Tag, attestations.Tag }));
        Assert.That((await targetClient.HeadManifestAsync("alias/signed", signature.Tag))!.Digest, Is.EqualTo(signature.ManifestDigest));
        Assert.That((await targetClient.HeadManifestAsync("alias/signed", attestations.Tag))!.Digest, Is.EqualTo(attestations.ManifestDigest));
        var verified = ExternalVerifier.Run("signature", target.Address, "alias/signed", _key.PublicKeyPath, "i", "--identity", Identity);
        Assert.That(verified.ExitCode, Is.EqualTo(0), verified.Output);
    }

    private CosignStore Store() => new(_client, Repository);

    private SupplyChainVerifier Verifier(ISigner signer) => new(Store(), signer.GetVerifierAsync().Result);

    private async Task<string> PushImageAsync(string tag) =>
        await Build.Tests.Registry.TestImage.Create(Amd64, label: tag).PushAsync(_registry, Repository, tag);

    private List<(string, byte[])> Statements(string digest)
    {
        var inventory = new PackageInventory(new OsRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)"),
            [new Package(PackageKind.Deb, "python3.11", "3.11.2-6+deb12u5", "amd64", ["PSF-2.0"]), new Package(PackageKind.Pypi, "pip", "23.0.1", Licenses: ["MIT License"])],
            [], "test");
        var build = new BuildRecord("dockerfiles/images.json", "3.11", "amd64", "linux/amd64", "dockerfiles/python.Dockerfile", new string('d', 64),
            new Dictionary<string, string> { ["VERSION"] = "3.11" }, [new ResolvedBase($"{_registry.Address}/debian-python:bookworm", "sha256:" + new string('b', 64))],
            "inputs", "https://example.com/repo.git", new string('c', 40), "urn:test", "run-1", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        JsonNode sbom = CycloneDx.Create(inventory, Identity, digest, "test", DateTimeOffset.UtcNow);
        return
        [
            (PredicateTypes.CycloneDx, InTotoStatement.Create(Identity, digest, PredicateTypes.CycloneDx, sbom)),
            (PredicateTypes.SlsaProvenanceV1, InTotoStatement.Create(Identity, digest, PredicateTypes.SlsaProvenanceV1, SlsaProvenance.Create(build))),
        ];
    }
}
