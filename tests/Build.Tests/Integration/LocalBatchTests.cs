using System.Text.Json;
using System.Text.RegularExpressions;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>
/// LocalBatch on a 2-version × 2-arch matrix against a real registry on 127.0.0.1: every node a real ./build.sh child
/// building real images (arm64 under qemu), checked through the registry's HTTP API and the batch's summary.json.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed partial class LocalBatchTests
{
    private LocalRegistry _registry = null!;
    private string _baseImage = null!;
    private readonly List<string> _directories = [];

    [OneTimeSetUp]
    public async Task PublishBase()
    {
        _registry = await LocalRegistry.StartAsync();
        _baseImage = DebianBase.PublishTo(_registry);
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _registry?.Dispose();
        _directories.ForEach(d => Directory.Delete(d, recursive: true));
    }

    [Test]
    public async Task Should_build_every_image_and_manifest_list_running_independent_nodes_in_parallel()
    {
        var (matrix, buildspecs) = WriteMatrixAndBuildspecs("python-ok", ("3.11", "python.Dockerfile"), ("3.11.2", "python.Dockerfile"));

        var batch = LocalBatch(matrix, buildspecs, "lb1");

        Assert.That(batch.ExitCode, Is.EqualTo(0), batch.ToString());
        using var client = _registry.CreateClient();
        foreach (var version in new[] { "3.11", "3.11.2" })
        {
            var amd64 = await client.HeadManifestAsync("python-ok", $"{version}.lb1-amd64");
            var arm64 = await client.HeadManifestAsync("python-ok", $"{version}.lb1-arm64v8");
            Assert.That(amd64, Is.Not.Null, $"{version}.lb1-amd64 is missing");
            Assert.That(arm64, Is.Not.Null, $"{version}.lb1-arm64v8 is missing");
            foreach (var tag in new[] { $"{version}.lb1", version })
            {
                var list = await client.GetManifestAsync("python-ok", tag);
                Assert.That(list, Is.Not.Null, $"manifest list {tag} is missing");
                Assert.That(list!.Descriptors().ToDictionary(d => d.Platform!.ToString(), d => d.Digest), Is.EqualTo(new Dictionary<string, string>
                {
                    ["linux/amd64"] = amd64!.Digest,
                    ["linux/arm64/v8"] = arm64!.Digest,
                }), $"manifest list {tag}");
            }

            // The final table shows each node's digests.
            Assert.That(batch.Output, Does.Contain($"{_registry.Address}/python-ok:{version}.lb1-arm64v8 {arm64!.Digest}"));
        }

        var summary = Summary(batch);
        Assert.That(summary.Select(n => (n.Identifier, n.Status)), Is.EqualTo(new[]
        {
            ("amd64_py311", "SUCCEEDED"), ("arm64v8_py311", "SUCCEEDED"), ("amd64_py3112", "SUCCEEDED"), ("arm64v8_py3112", "SUCCEEDED"),
            ("manifest_py311", "SUCCEEDED"), ("manifest_py3112", "SUCCEEDED"),
        }));
        var builds = summary.Where(n => !n.Identifier.StartsWith("manifest", StringComparison.Ordinal)).ToList();
        Assert.That(builds.Any(a => builds.Any(b => a != b && a.Started < b.Ended && b.Started < a.Ended)), Is.True, "no two build nodes ran at the same time");
        foreach (var manifest in summary.Where(n => n.Identifier.StartsWith("manifest", StringComparison.Ordinal)))
        {
            var version = manifest.Identifier[^2..];
            Assert.That(builds.Where(b => b.Identifier.EndsWith(version, StringComparison.Ordinal)).All(b => b.Ended <= manifest.Started), Is.True, $"{manifest.Identifier} started before its build nodes ended");
        }

        Assert.That(File.ReadAllText(summary[1].Log), Does.Contain("CodeBuild node arm64v8_py311"), "each node logs to its own file");
    }

    [Test]
    public async Task Should_publish_the_other_versions_lists_when_one_arch_of_a_version_fails_and_exit_non_zero()
    {
        var (matrix, buildspecs) = WriteMatrixAndBuildspecs("python-partial", ("3.11", "python.Dockerfile"), ("3.11.2", "arm-broken.Dockerfile"));

        var batch = LocalBatch(matrix, buildspecs, "lb2");

        Assert.That(batch.ExitCode, Is.Not.EqualTo(0), batch.ToString());
        using var client = _registry.CreateClient();
        Assert.That(await client.GetManifestAsync("python-partial", "3.11.lb2"), Is.Not.Null, "the working version's list was not published");
        Assert.That(await client.GetManifestAsync("python-partial", "3.11"), Is.Not.Null);
        Assert.That(await client.HeadManifestAsync("python-partial", "3.11.2.lb2"), Is.Null, "a list was published for the failed version");
        Assert.That(await client.HeadManifestAsync("python-partial", "3.11.2"), Is.Null, "a floating list was published for the failed version");

        Assert.That(batch.Output, Does.Match(@"arm64v8_py3112\s+FAILED \(exit code \d+\)"));
        Assert.That(batch.Output, Does.Match(@"manifest_py3112\s+SKIPPED \(arm64v8_py3112 did not succeed\)"));
        Assert.That(batch.Output, Does.Match(@"manifest_py311\s+SUCCEEDED"));
        var failed = Summary(batch).Single(n => n.Identifier == "arm64v8_py3112");
        Assert.That(File.ReadAllText(failed.Log), Does.Contain("this version does not build for arm64v8"));
    }

    private BuildProgram.Result LocalBatch(string matrix, string buildspecs, string suffix) =>
        BuildProgram.Run([$"--matrix={matrix}", "--target=LocalBatch", $"--buildspec={buildspecs}/batch.yml", $"--registry={_registry.Address}", $"--tag-suffix={suffix}", "--parallel=2"]);

    private (string Matrix, string Buildspecs) WriteMatrixAndBuildspecs(string repository, params (string Version, string Dockerfile)[] versions)
    {
        var directory = Directory.CreateTempSubdirectory("local-batch-matrix-").FullName;
        _directories.Add(directory);
        foreach (var dockerfile in Directory.GetFiles(Path.Combine(BuildProgram.RepositoryRoot, "tests", "Build.Tests", "Integration", "Images")))
        {
            File.Copy(dockerfile, Path.Combine(directory, Path.GetFileName(dockerfile)));
        }

        var matrix = Path.Combine(directory, "images.json");
        File.WriteAllText(matrix, JsonSerializer.Serialize(new
        {
            repository,
            images = versions.Select(v => new { version = v.Version, dockerfile = v.Dockerfile, architectures = new[] { "amd64", "arm64v8" }, buildArgs = new Dictionary<string, string> { ["BASE_IMAGE"] = _baseImage } }),
        }));

        // Inside the repository, where CodeBuild reads buildspecs (Buildspec refuses a folder outside it).
        var buildspecs = Path.Combine(BuildProgram.RepositoryRoot, ".artifacts", "tests", "local-batch-" + Guid.NewGuid().ToString("N")[..8]);
        _directories.Add(buildspecs);
        var written = BuildProgram.Run([$"--matrix={matrix}", "--target=Buildspec", $"--buildspec-dir={buildspecs}", "--tag-suffix=x"]);
        Assert.That(written.ExitCode, Is.EqualTo(0), written.ToString());
        return (matrix, buildspecs);
    }

    private sealed record NodeSummary(string Identifier, string Status, DateTimeOffset? Started, DateTimeOffset? Ended, string Log);

    private static List<NodeSummary> Summary(BuildProgram.Result batch)
    {
        var logs = NodeLogs().Match(batch.Output);
        Assert.That(logs.Success, Is.True, "LocalBatch did not say where the node logs are");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(logs.Groups[1].Value, "summary.json")));
        return json.RootElement.EnumerateArray().Select(n => new NodeSummary(
            n.GetProperty("identifier").GetString()!,
            n.GetProperty("status").GetString()!,
            n.GetProperty("started").ValueKind == JsonValueKind.Null ? null : n.GetProperty("started").GetDateTimeOffset(),
            n.GetProperty("ended").ValueKind == JsonValueKind.Null ? null : n.GetProperty("ended").GetDateTimeOffset(),
            n.GetProperty("log").GetString()!)).ToList();
    }

    [GeneratedRegex(@"node logs in (\S+)")]
    private static partial Regex NodeLogs();
}
