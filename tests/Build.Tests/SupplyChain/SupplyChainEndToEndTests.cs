using System.Security.Cryptography;
using System.Text.Json;
using Build.Attestations;
using Build.Attestations.Provenance;
using Build.Images;
using Build.Registry;
using Build.Signing.Cosign;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.SupplyChain;

/// <summary>
/// The batch with a signing key, on a real dockerd, registry and qemu: each build node signs its image and attaches its
/// SBOM and SLSA provenance; the manifest node signs the lists and verifies everything (--verify). Checked outside our
/// code with cosign_verify.py, which reads the registry itself; reruns add no entries; the key shows up nowhere.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class SupplyChainEndToEndTests
{
    private const string Version = "3.11";
    private static readonly string[] Arches = ["amd64", "arm64v8"];
    private const string BuilderArn = "arn:aws:codebuild:eu-west-1:111122223333:build/python-images:0b1c";
    private LocalRegistry _registry = null!;
    private TestKeyPair _key = null!;
    private string _matrixDirectory = null!;
    private string _matrix = null!;
    private string _temp = null!;
    private readonly List<BuildProgram.Result> _runs = [];

    [OneTimeSetUp]
    public void Start()
    {
        _temp = Directory.CreateTempSubdirectory("supply-tmp-").FullName;
        _registry = LocalRegistry.StartAsync().GetAwaiter().GetResult();
        _key = new TestKeyPair();
        _matrixDirectory = Directory.CreateTempSubdirectory("supply-matrix-").FullName;
        File.Copy(Path.Combine(BuildProgram.RepositoryRoot, "tests", "Build.Tests", "Integration", "Images", "python.Dockerfile"), Path.Combine(_matrixDirectory, "python.Dockerfile"));
        _matrix = Path.Combine(_matrixDirectory, "images.json");
        File.WriteAllText(_matrix, JsonSerializer.Serialize(new
        {
            repository = "python",
            @base = DebianBase.Spec,
            images = new[] { new { version = Version, dockerfile = "python.Dockerfile", architectures = Arches, buildArgs = new Dictionary<string, string> { ["BASE_IMAGE"] = "{registry}/debian-python:bookworm" } } },
        }));

        // The CodeBuild batch: one node per arch (the key from SIGNING_KEY in one, from a file in the other), then the manifest node.
        Node(new() { ["SIGNING_KEY"] = _key.PrivatePem }, "--target=PushImage", "--arch=amd64", "--tag-suffix=s1", "--verbosity=diagnostic");
        Node(new() { ["CODEBUILD_BUILD_ARN"] = BuilderArn }, "--target=PushImage", "--arch=arm64v8", "--tag-suffix=s1", $"--signing-key={_key.PrivateKeyPath}");
        Node(new() { ["SIGNING_KEY"] = _key.PrivatePem }, "--target=PushManifest", "--tag-suffix=s1", "--verify", "--verbosity=diagnostic");
    }

    [OneTimeTearDown]
    public void Stop()
    {
        // The images this fixture's runs left in the shared engine, and nothing else.
        if (_registry is not null)
        {
            var tags = Shell.Run("docker", "images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", $"reference={_registry.Address}/*")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            foreach (var tag in tags)
            {
                try { Shell.Run("docker", "rmi", tag); } catch (InvalidOperationException) { }
            }
        }

        _registry?.Dispose();
        _key?.Dispose();
        if (_matrixDirectory is not null)
        {
            Directory.Delete(_matrixDirectory, recursive: true);
        }

        if (_temp is not null)
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    [Test]
    public void Should_run_every_node_and_verify_as_the_manifest_nodes_last_step()
    {
        Assert.That(_runs.Select(r => r.ExitCode), Is.All.EqualTo(0), string.Join("\n\n", _runs));
        Assert.That(_runs[2].Output, Does.Contain("Verified 2 arch image(s) (signature, SLSA provenance, SBOM) and 2 manifest list(s)"));
        Assert.That(_runs[0].Output, Does.Contain("SBOM (").And.Contain("from TestImage's run"));
    }

    [Test]
    public void Should_sign_every_arch_image_and_list_so_that_a_verifier_outside_our_code_accepts_them()
    {
        foreach (var tag in new[] { $"{Version}.s1-amd64", $"{Version}.s1-arm64v8", $"{Version}.s1", Version })
        {
            var verified = ExternalVerifier.Run("signature", _registry.Address, "python", _key.PublicKeyPath, tag);
            Assert.That(verified.ExitCode, Is.EqualTo(0), verified.Output);
        }
    }

    [Test]
    public async Task Should_attest_an_sbom_and_a_provenance_that_match_the_build()
    {
        using var client = _registry.CreateClient();
        var baseDigest = (await client.HeadManifestAsync("debian-python", "bookworm"))!.Digest;
        var dockerfile = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(_matrixDirectory, "python.Dockerfile"))));
        var commit = Shell.Run("git", "-C", BuildProgram.RepositoryRoot, "rev-parse", "HEAD").Trim();
        foreach (var arch in Arches)
        {
            var verified = ExternalVerifier.Run("attestations", _registry.Address, "python", _key.PublicKeyPath, $"{Version}.s1-{arch}",
                "--platform", Architectures.Find(arch)!.Platform.ToString(), "--version", Version, "--dockerfile-sha256", dockerfile,
                "--base", $"{_registry.Address}/debian-python:bookworm={baseDigest}", "--commit", commit, "--python", Version);
            Assert.That(verified.ExitCode, Is.EqualTo(0), verified.Output);
        }

        Assert.That(await BuilderIdAsync($"{Version}.s1-arm64v8"), Is.EqualTo(BuilderArn), "runDetails.builder.id is the CodeBuild build ARN");
        Assert.That(await BuilderIdAsync($"{Version}.s1-amd64"), Does.StartWith("urn:python-images:host:"), "else the host");
    }

    [Test]
    public async Task Should_publish_lists_with_exactly_the_matrix_platforms()
    {
        using var client = _registry.CreateClient();
        foreach (var tag in new[] { $"{Version}.s1", Version })
        {
            var list = (await client.GetManifestAsync("python", tag))!;
            var entries = list.Descriptors();
            Assert.That(entries.Select(e => e.Platform!.ToString()), Is.EquivalentTo(new[] { "linux/amd64", "linux/arm64/v8" }), tag);
            Assert.That(entries.Select(e => e.MediaType), Is.All.Matches<string>(MediaTypes.IsImageManifest), "no attestation or index entries");
            Assert.That(System.Text.Encoding.UTF8.GetString(list.Body), Does.Not.Contain("unknown").And.Not.Contain("attestation"));
        }
    }

    [Test]
    public void Should_never_show_the_private_key_in_a_log_or_leave_it_in_a_file()
    {
        var fragment = _key.PrivateKeyBody[20..60];
        Assert.That(_runs.Select(r => r.Output), Has.None.Contains(fragment));

        // Every run had TMPDIR here: whatever the program wrote to temporary files (its private DOCKER_CONFIG, layers,
        // labelled Dockerfiles) is here, if it was left at all.
        var leftovers = Directory.EnumerateFiles(_temp, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Where(f => File.ReadAllText(f).Contains(fragment, StringComparison.Ordinal))
            .ToList();
        Assert.That(leftovers, Is.Empty, "no temporary file holds the key");
    }

    [Test]
    public async Task Should_add_no_signature_or_attestation_entries_on_a_rerun_with_unchanged_inputs()
    {
        using var client = _registry.CreateClient();
        var before = await CosignManifestsAsync(client);

        var rerun = Node(new() { ["SIGNING_KEY"] = _key.PrivatePem }, "--target=PushImage", "--tag-suffix=s2");
        var manifestRerun = Node(new() { ["SIGNING_KEY"] = _key.PrivatePem }, "--target=PushManifest", "--tag-suffix=s2", "--verify");

        Assert.That(rerun.ExitCode, Is.EqualTo(0), rerun.ToString());
        Assert.That(manifestRerun.ExitCode, Is.EqualTo(0), manifestRerun.ToString());
        Assert.That(rerun.Output, Does.Contain("inputs unchanged").And.Contain("signature already there"));
        Assert.That(await CosignManifestsAsync(client), Is.EqualTo(before), "the same .sig and .att manifests, layer for layer");
        Assert.That((await client.HeadManifestAsync("python", $"{Version}.s2"))!.Digest, Is.EqualTo((await client.HeadManifestAsync("python", $"{Version}.s1"))!.Digest));
    }

    [Test]
    public void Should_verify_with_only_the_public_key_and_name_the_image_when_the_key_differs()
    {
        using var other = new TestKeyPair();

        var good = Node([], "--target=VerifyImage", "--tag-suffix=s1", $"--public-key={_key.PublicKeyPath}");
        var bad = Node([], "--target=VerifyImage", "--tag-suffix=s1", $"--public-key={other.PublicKeyPath}");

        Assert.That(good.ExitCode, Is.EqualTo(0), good.ToString());
        Assert.That(bad.ExitCode, Is.Not.EqualTo(0), bad.ToString());
        Assert.That(bad.Output, Does.Contain($"{_registry.Address}/python:{Version}.s1-amd64").And.Contain("signed with another key")
            .And.Contain("has no SLSA provenance signed with the public key"));
    }

    [Test]
    public void Should_say_in_the_summary_that_nothing_was_signed_without_a_key()
    {
        var unsigned = Node([], "--target=PushManifest", "--tag-suffix=s1");

        Assert.That(unsigned.ExitCode, Is.EqualTo(0), unsigned.ToString());
        Assert.That(unsigned.Output, Does.Contain("No signing key").And.Contain("NOT signed: no --signing-key or SIGNING_KEY"));
    }

    [Test]
    public async Task Should_take_the_sbom_from_the_layers_when_testimage_does_not_run_the_image()
    {
        // An unsigned first build, published; then a rebuild whose every step comes from the cache (only a context file
        // the Dockerfile does not copy changed): TestImage does not run it, and the previous image has no SBOM to take.
        Assert.That(Node([], "--target=PushImage", "--arch=amd64", "--repository=layers", "--tag-suffix=l1").ExitCode, Is.EqualTo(0));
        Assert.That(Node([], "--target=PushManifest", "--python-version=3.11", "--repository=layers", "--tag-suffix=l1", "--allow-partial").ExitCode, Is.EqualTo(0));
        var extra = Path.Combine(_matrixDirectory, "notes.txt");
        File.WriteAllText(extra, "a context file the Dockerfile does not copy\n");
        try
        {
            var rebuilt = Node(new() { ["SIGNING_KEY"] = _key.PrivatePem }, "--target=PushImage", "--arch=amd64", "--repository=layers", "--tag-suffix=l2");

            Assert.That(rebuilt.ExitCode, Is.EqualTo(0), rebuilt.ToString());
            Assert.That(rebuilt.Output, Does.Contain("not run again").And.Contain("from its layers"));
            var verified = ExternalVerifier.Run("attestations", _registry.Address, "layers", _key.PublicKeyPath, $"{Version}.l2-amd64", "--python", Version);
            Assert.That(verified.ExitCode, Is.EqualTo(0), verified.Output);

            // Once the previous image has an SBOM, a rebuild with the same layers takes it (checked: same layers, this key).
            Assert.That(Node(new() { ["SIGNING_KEY"] = _key.PrivatePem }, "--target=PushManifest", "--repository=layers", "--tag-suffix=l2", "--allow-partial").ExitCode, Is.EqualTo(0));
            File.WriteAllText(extra, "changed again\n");
            var again = Node(new() { ["SIGNING_KEY"] = _key.PrivatePem }, "--target=PushImage", "--arch=amd64", "--repository=layers", "--tag-suffix=l3");
            Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
            Assert.That(again.Output, Does.Contain("the previous image's"));
            Assert.That(ExternalVerifier.Run("attestations", _registry.Address, "layers", _key.PublicKeyPath, $"{Version}.l3-amd64", "--python", Version).ExitCode, Is.EqualTo(0));
        }
        finally
        {
            File.Delete(extra);
        }

        using var client = _registry.CreateClient();
        Assert.That(await client.HeadManifestAsync("layers", $"{Version}.l2-amd64"), Is.Not.Null);
    }

    private BuildProgram.Result Node(Dictionary<string, string?> environment, params string[] arguments)
    {
        environment["TMPDIR"] = _temp;
        var result = BuildProgram.Run([$"--matrix={_matrix}", $"--registry={_registry.Address}", "--install-prerequisites=false", .. arguments], environment);
        _runs.Add(result);
        return result;
    }

    private async Task<string?> BuilderIdAsync(string tag)
    {
        using var client = _registry.CreateClient();
        var digest = (await client.HeadManifestAsync("python", tag))!.Digest;
        var provenance = (await new CosignStore(client, "python").ReadAttestationsAsync(digest))
            .Single(a => a.PredicateType == PredicateTypes.SlsaProvenanceV1);
        return SlsaProvenance.Read(InTotoStatement.Read(provenance.Envelope!.Payload)!.Predicate!).BuilderId;
    }

    private static async Task<Dictionary<string, string?>> CosignManifestsAsync(RegistryClient client)
    {
        var digests = new List<string>();
        foreach (var tag in new[] { $"{Version}.s1-amd64", $"{Version}.s1-arm64v8", $"{Version}.s1" })
        {
            digests.Add((await client.HeadManifestAsync("python", tag))!.Digest);
        }

        var manifests = new Dictionary<string, string?>();
        foreach (var tag in digests.SelectMany(d => new[] { CosignTags.Signature(d), CosignTags.Attestation(d) }))
        {
            manifests[tag] = (await client.HeadManifestAsync("python", tag))?.Digest;
        }

        return manifests;
    }
}
