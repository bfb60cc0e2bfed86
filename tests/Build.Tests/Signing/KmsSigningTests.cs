using Build.Aws;
using Build.Images;
using Build.Registry;
using Build.Signing;
using Build.Signing.Cosign;
using Build.Tests.Aws.Emulator;
using Build.Tests.Registry;
using Build.Tests.Support;
using Amazon.Runtime;

namespace Build.Tests.Signing;

/// <summary>
/// --signing-key=awskms:///…: KMS Sign and GetPublicKey through the product's signed AWS client, against the emulator
/// (which checks every request's SigV4); the lists it signs verify outside our code with the KMS key's public key.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class KmsSigningTests
{
    private const string AccessKey = "AKIAEMULATOR0000015";
    private const string SecretKey = "emulator/secret+key0000000000000000000015";
    private AwsEmulator _aws = null!;
    private LocalRegistry _registry = null!;
    private KmsKey _key = null!;
    private string _publicKeyPath = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _aws = await AwsEmulator.StartAsync(AccessKey, SecretKey);
        _registry = await LocalRegistry.StartAsync();
        _key = _aws.AddKmsKey("python-images");
        _publicKeyPath = Path.GetTempFileName();
        await File.WriteAllTextAsync(_publicKeyPath, _key.PublicKeyPem);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _registry?.Dispose();
        if (_aws is not null)
        {
            await _aws.DisposeAsync();
        }

        File.Delete(_publicKeyPath);
    }

    [SetUp]
    public void Clear()
    {
        while (_aws.Requests.TryDequeue(out _))
        {
        }
    }

    [Test]
    public async Task Should_sign_through_kms_with_sigv4_and_verify_outside_our_code_with_the_kms_public_key()
    {
        using var client = new AwsClient(AwsSettings.For("us-east-1", new BasicAWSCredentials(AccessKey, SecretKey), null, name => name == "AWS_ENDPOINT_URL" ? _aws.Url.ToString() : null));
        var signer = new KmsSigner(new KmsClient(client), (KmsKeyReference)KeyReference.Parse("awskms:///alias/python-images", "--signing-key"));
        var digest = await Build.Tests.Registry.TestImage.Create(new Platform("linux", "amd64"), label: "kms").PushAsync(_registry, "kms", "direct");

        var signed = await new CosignStore(_registry.CreateClient(), "kms").SignAsync(digest, $"{_registry.Address}/kms", signer);

        Assert.That(signed.Added, Is.EqualTo(1));
        Assert.That(_aws.Requests.Select(r => r.Operation), Is.EquivalentTo(new[] { "GetPublicKey", "Sign" }));
        Assert.That(_aws.Requests.All(r => r.Service == "kms" && r.SignatureValid), Is.True);
        Assert.That(_aws.Requests.First(r => r.Operation == "Sign").Headers["authorization"], Does.Contain("/us-east-1/kms/aws4_request"));
        var verified = ExternalVerifier.Run("signature", _registry.Address, "kms", _publicKeyPath, "direct");
        Assert.That(verified.ExitCode, Is.EqualTo(0), verified.Output);
    }

    [Test]
    public async Task Should_sign_the_manifest_lists_of_a_manifest_node_with_a_kms_key()
    {
        using var matrix = TempMatrix.TwoByTwo();
        using var docker = new FakeDocker();
        await Build.Tests.Registry.TestImage.Create(new Platform("linux", "amd64"), label: "kms-node").PushAsync(_registry, "python", "3.8.k1-amd64");
        await Build.Tests.Registry.TestImage.Create(new Platform("linux", "arm64", "v8"), label: "kms-node").PushAsync(_registry, "python", "3.8.k1-arm64v8");

        var result = BuildProgram.Run(
            [$"--matrix={matrix.Path}", $"--registry={_registry.Address}", "--target=PushManifest", "--python-version=3.8", "--tag-suffix=k1",
             $"--signing-key=awskms:///arn:aws:kms:us-east-1:{_aws.Account}:alias/python-images"],
            new Dictionary<string, string?>(docker.Environment)
            {
                ["AWS_ACCESS_KEY_ID"] = AccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
                ["AWS_ENDPOINT_URL_KMS"] = _aws.Url.ToString(),
            });

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain($"Signing with awskms:///arn:aws:kms:us-east-1:{_aws.Account}:alias/python-images"));
        Assert.That(_aws.Requests, Is.Not.Empty);
        Assert.That(_aws.Requests.All(r => r.Service == "kms" && r.SignatureValid), Is.True, "every KMS call is SigV4-signed and checked");
        Assert.That(_aws.Operations.Count(o => o == "Sign"), Is.EqualTo(2), "Restore's probe, then the one list digest both tags share");
        foreach (var tag in new[] { "3.8.k1", "3.8" })
        {
            var verified = ExternalVerifier.Run("signature", _registry.Address, "python", _publicKeyPath, tag);
            Assert.That(verified.ExitCode, Is.EqualTo(0), verified.Output);
        }
    }

    [Test]
    public async Task Should_stop_before_pushing_when_the_kms_key_does_not_exist_naming_it()
    {
        using var matrix = TempMatrix.TwoByTwo();
        await Build.Tests.Registry.TestImage.Create(new Platform("linux", "amd64"), label: "kms-missing").PushAsync(_registry, "missing", "3.8.k2-amd64");
        await Build.Tests.Registry.TestImage.Create(new Platform("linux", "arm64", "v8"), label: "kms-missing").PushAsync(_registry, "missing", "3.8.k2-arm64v8");

        var result = BuildProgram.Run(
            [$"--matrix={matrix.Path}", $"--registry={_registry.Address}", "--repository=missing", "--target=PushManifest", "--python-version=3.8", "--tag-suffix=k2",
             "--signing-key=awskms:///alias/no-such-key"],
            new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = AccessKey, ["AWS_SECRET_ACCESS_KEY"] = SecretKey, ["AWS_REGION"] = "us-east-1", ["AWS_ENDPOINT_URL"] = _aws.Url.ToString() });

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("KMS GetPublicKey for alias/no-such-key failed: NotFoundException"));
        using var client = _registry.CreateClient();
        Assert.That(await client.HeadManifestAsync("missing", "3.8.k2"), Is.Null, "no list is pushed when the key cannot sign");
    }
}
