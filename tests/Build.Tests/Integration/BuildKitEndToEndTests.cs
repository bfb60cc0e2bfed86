using System.Text.Json;
using System.Text.RegularExpressions;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>
/// The node flow under BuildKit, as CodeBuild's Docker 23+ images run it: Debian's docker 20.10 CLI (/usr/bin/docker)
/// with DOCKER_BUILDKIT=1 uses the engine's built-in BuildKit. Both arches are built, checked (platform, labels, image
/// id), pushed with inline cache metadata, listed, and a rebuild after a context change imports that cache.
/// (EndToEndTests covers the classic builder, which this machine's docker 28 CLI without buildx falls back to.)
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed partial class BuildKitEndToEndTests
{
    private const string Cli = "/usr/bin/docker";
    private static readonly string[] Arches = ["amd64", "arm64v8"];
    private LocalRegistry _registry = null!;
    private string _directory = null!;
    private string _matrix = null!;

    [OneTimeSetUp]
    public async Task StartRegistryAndWriteMatrix()
    {
        if (!File.Exists(Cli) || !Shell.Run(Cli, "--version").Contains("version 20.", StringComparison.Ordinal))
        {
            Assert.Fail($"{Cli} must be Debian's docker 20.10 CLI (apt-get install docker.io), whose DOCKER_BUILDKIT=1 uses the engine's built-in BuildKit.");
        }

        _registry = await LocalRegistry.StartAsync();
        _directory = Directory.CreateTempSubdirectory("buildkit-e2e-").FullName;
        File.WriteAllText(Path.Combine(_directory, "python.Dockerfile"),
            File.ReadAllText(Path.Combine(BuildProgram.RepositoryRoot, "tests", "Build.Tests", "Integration", "Images", "python.Dockerfile"))
            + "COPY note.txt /etc/note.txt\n");
        File.WriteAllText(Path.Combine(_directory, "note.txt"), "first\n");
        _matrix = Path.Combine(_directory, "images.json");
        File.WriteAllText(_matrix, JsonSerializer.Serialize(new
        {
            repository = "python-bk",
            @base = DebianBase.Spec,
            images = new[] { new { version = "3.11", dockerfile = "python.Dockerfile", architectures = Arches, buildArgs = new Dictionary<string, string> { ["BASE_IMAGE"] = "{registry}/debian-python:bookworm" } } },
        }));
    }

    [OneTimeTearDown]
    public void StopRegistry()
    {
        _registry?.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public async Task Should_publish_both_arches_with_inline_cache_and_reuse_it_after_a_context_change()
    {
        foreach (var arch in Arches)
        {
            var node = Build("--target=PushImage", $"--arch={arch}", "--tag-suffix=k1");
            Assert.That(node.ExitCode, Is.EqualTo(0), node.ToString());
            Assert.That(node.Output, Does.Contain("Builder: BuildKit (DOCKER_BUILDKIT=1; docker CLI /usr/bin/docker)"), "the builder in use is logged");
            Assert.That(node.Output, Does.Contain("#1 [internal] load build definition"), "BuildKit ran the build");
        }

        var manifestNode = Build("--target=PushManifest", "--tag-suffix=k1");
        Assert.That(manifestNode.ExitCode, Is.EqualTo(0), manifestNode.ToString());

        using var client = _registry.CreateClient();
        var list = await client.GetManifestAsync("python-bk", "3.11");
        Assert.That(list!.Descriptors().Select(d => d.Platform!.ToString()), Is.EquivalentTo(new[] { "linux/amd64", "linux/arm64/v8" }));
        foreach (var arch in Arches)
        {
            using var config = await ConfigAsync(client, $"3.11.k1-{arch}");
            Assert.That(config.RootElement.TryGetProperty("moby.buildkit.cache.v0", out _), Is.True, $"3.11.k1-{arch} carries no inline cache metadata");
            Assert.That(config.RootElement.GetProperty("config").GetProperty("Labels").GetProperty("org.opencontainers.image.version").GetString(), Is.EqualTo("3.11.k1"));
        }

        // A change of the context that only the last step copies, built on an engine with an empty cache, as a fresh
        // CodeBuild node is: the earlier steps come from the previous image's inline cache, which --cache-from
        // imports from the registry.
        File.WriteAllText(Path.Combine(_directory, "note.txt"), "second\n");
        BuildProgram.Result rebuild;
        using (var fresh = FreshEngine.Start(_registry))
        {
            rebuild = Build(["--target=PushImage", "--arch=amd64", "--tag-suffix=k2"], dockerHost: fresh.Host);
        }

        Assert.That(rebuild.ExitCode, Is.EqualTo(0), rebuild.ToString());
        Assert.That(rebuild.Output, Does.Contain($"importing cache manifest from {_registry.Address}/python-bk:3.11"));
        var run = RunStep().Match(rebuild.Output);
        Assert.That(run.Success, Is.True, "no RUN step in the build output\n" + rebuild);
        Assert.That(rebuild.Output, Does.Contain($"#{run.Groups[1].Value} CACHED"), "the RUN step was not taken from the cache\n" + rebuild);

        using var rebuilt = await ConfigAsync(client, "3.11.k2-amd64");
        using var previous = await ConfigAsync(client, "3.11.k1-amd64");
        var layers = (JsonDocument d) => d.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.That(layers(rebuilt).SkipLast(1), Is.EqualTo(layers(previous).SkipLast(1)), "every layer but the copied file's is the previous image's");
        Assert.That(layers(rebuilt).Last(), Is.Not.EqualTo(layers(previous).Last()));
    }

    private static async Task<JsonDocument> ConfigAsync(Build.Registry.RegistryClient client, string tag)
    {
        var manifest = await client.GetManifestAsync("python-bk", tag);
        Assert.That(manifest, Is.Not.Null, $"{tag} is missing");
        using var body = JsonDocument.Parse(manifest!.Body);
        using var config = new MemoryStream();
        await client.DownloadBlobAsync("python-bk", body.RootElement.GetProperty("config").GetProperty("digest").GetString()!, config);
        return JsonDocument.Parse(config.ToArray());
    }

    private BuildProgram.Result Build(params string[] arguments) => Build(arguments, dockerHost: null);

    private BuildProgram.Result Build(string[] arguments, string? dockerHost)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOCKER_BUILDKIT"] = "1",
            // The CLI a user picks by putting it first on PATH.
            ["PATH"] = $"{Path.GetDirectoryName(Cli)}:{Environment.GetEnvironmentVariable("PATH")}",
        };
        if (dockerHost is not null)
        {
            environment["DOCKER_HOST"] = dockerHost;
        }

        return BuildProgram.Run([$"--matrix={_matrix}", $"--registry={_registry.Address}", .. arguments], environment);
    }

    [GeneratedRegex(@"#(\d+) \[(?:linux/[^ ]+ )?\d+/\d+\] RUN python3")]
    private static partial Regex RunStep();
}
