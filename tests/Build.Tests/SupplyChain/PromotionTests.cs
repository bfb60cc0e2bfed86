using System.Text.Json.Nodes;
using Build.Attestations;
using Build.Images;
using Build.Registry;
using Build.Signing;
using Build.Signing.Cosign;
using Build.Tests.Aws.Emulator;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.SupplyChain;

/// <summary>
/// Promotion to ECR Public (emulated: the AWS emulator's tokens log in to a second real registry) takes the images'
/// and the list's .sig and .att along, byte for byte, so their digests and signatures hold there.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class PromotionTests
{
    private const string AccessKey = "AKIAEMULATOR0000016";
    private const string SecretKey = "emulator/secret+key0000000000000000000016";
    private AwsEmulator _aws = null!;
    private LocalRegistry _private = null!;
    private LocalRegistry _public = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _private = await LocalRegistry.StartAsync(new RegistryCredentials("AWS", "ecr-token-" + Guid.NewGuid().ToString("N")));
        _public = await LocalRegistry.StartAsync(new RegistryCredentials("AWS", "ecr-public-token-" + Guid.NewGuid().ToString("N")));
        _aws = await AwsEmulator.StartAsync(AccessKey, SecretKey);
        _aws.ProxyEndpoint = $"http://{_private.Address}";
        _aws.RegistryPassword = _private.Credentials!.Password;
        _aws.PublicRegistryPassword = _public.Credentials!.Password;
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _private?.Dispose();
        _public?.Dispose();
        if (_aws is not null)
        {
            await _aws.DisposeAsync();
        }
    }

    [Test]
    public async Task Should_copy_the_signatures_and_attestations_of_images_and_lists_to_the_public_registry()
    {
        using var key = new TestKeyPair();
        using var signer = PemSigner.FromPem(key.PrivatePem, "test key");
        using var matrix = TempMatrix.TwoByTwo();
        using var docker = new FakeDocker();
        using var client = _private.CreateClient();
        var store = new CosignStore(client, "python");
        var identity = $"{_private.Address}/python";
        var images = new List<string>();
        foreach (var (platform, arch) in new[] { (new Platform("linux", "amd64"), "amd64"), (new Platform("linux", "arm64", "v8"), "arm64v8") })
        {
            var digest = await Build.Tests.Registry.TestImage.Create(platform, label: "promoted").PushAsync(_private, "python", $"3.8.p1-{arch}");
            await store.SignAsync(digest, identity, signer);
            await store.AttestAsync(digest, [(PredicateTypes.SlsaProvenanceV1, InTotoStatement.Create(identity, digest, PredicateTypes.SlsaProvenanceV1, new JsonObject()))], signer);
            images.Add(digest);
        }

        var result = BuildProgram.Run(
            [$"--matrix={matrix.Path}", "--target=PushManifest", "--python-version=3.8", "--tag-suffix=p1", $"--public-registry={_public.Address}/alias"],
            new Dictionary<string, string?>(docker.Environment)
            {
                ["AWS_ACCESS_KEY_ID"] = AccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
                ["AWS_DEFAULT_REGION"] = "us-east-1",
                ["AWS_ENDPOINT_URL"] = _aws.Url.ToString(),
                ["SIGNING_KEY"] = key.PrivatePem,
            });

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        using var publicClient = _public.CreateClient();
        var list = (await client.GetManifestAsync("python", "3.8.p1"))!;
        foreach (var tag in images.SelectMany(d => new[] { CosignTags.Signature(d), CosignTags.Attestation(d) }).Append(CosignTags.Signature(list.Digest)))
        {
            var original = await client.HeadManifestAsync("python", tag);
            Assert.That(original, Is.Not.Null, tag);
            Assert.That((await publicClient.HeadManifestAsync("alias/python", tag))?.Digest, Is.EqualTo(original!.Digest), $"{tag} is copied with its digest");
        }

        foreach (var tag in new[] { "3.8.p1", "3.8", "3.8.p1-amd64", "3.8.p1-arm64v8" })
        {
            var verified = ExternalVerifier.Run("signature", _public.Address, "alias/python", key.PublicKeyPath, tag, _public.Credentials, "--identity", identity);
            Assert.That(verified.ExitCode, Is.EqualTo(0), verified.Output);
        }

        Assert.That(result.Output, Does.Not.Contain(key.PrivateKeyBody[10..50]));
    }
}
