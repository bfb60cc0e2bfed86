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

    /// <summary>
    /// The batch as CodeBuild runs it (issue 11): each node in its own fresh container from the node image (no .NET: the SDK
    /// comes through build.sh's bootstrap from the file:// stand-in of dotnet-install.sh), its own dockerd with an empty
    /// cache, amd64 and arm64 nodes at once, the registry on this machine's loopback reached through the batch's relay;
    /// then a second batch of the same sources, whose nodes restore the program from the emulated S3 cache and compile
    /// nothing. After each batch, nothing of it is left on this machine's engine, bridges or iptables.
    /// </summary>
    [Test]
    public async Task Should_run_every_node_in_a_fresh_container_as_CodeBuild_does_and_leave_the_host_as_it_was()
    {
        var (matrix, buildspecs) = WriteMatrixAndBuildspecs("python-box", ("3.11", "python.Dockerfile"), ("3.11.2", "python.Dockerfile"));
        var cache = Directory.CreateTempSubdirectory("local-batch-cache-").FullName;
        _directories.Add(cache);
        var feed = Shell.Run("bash", "-c", $"root='{BuildProgram.RepositoryRoot}' work=/nonexistent; source \"$root/tests/fresh-machine/lib.sh\"; fm_prepare_feed >&2; echo \"$fm_feed\"").Trim();
        var installer = new Dictionary<string, string?> { ["DOTNET_INSTALL_SCRIPT_URL"] = $"file://{feed}/dotnet-install.sh" };
        BuildProgram.Result Batch() => BuildProgram.Run(
            [$"--matrix={matrix}", "--target=LocalBatch", $"--buildspec={buildspecs}/batch.yml", $"--registry={_registry.Address}", "--tag-suffix=box", "--parallel=2",
             "--isolation=container", $"--batch-cache={cache}"], installer, TimeSpan.FromMinutes(40));

        var before = HostState.Capture();
        var first = Batch();

        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        AssertNothingLeft(before, first);
        await AssertListsVerify("python-box", "box", ["3.11", "3.11.2"]);
        var nodes = Summary(first);
        Assert.That(nodes.All(n => n.Status == "SUCCEEDED"), Is.True, first.Output);
        Assert.That(nodes.Select(n => n.ContainerId).Distinct().Count(), Is.EqualTo(nodes.Count), "each node has a container of its own");
        var amd64 = nodes.Where(n => n.Identifier.StartsWith("amd64_", StringComparison.Ordinal)).ToList();
        var arm64 = nodes.Where(n => n.Identifier.StartsWith("arm64v8_", StringComparison.Ordinal)).ToList();
        Assert.That(amd64.Any(a => arm64.Any(b => a.Started < b.Ended && b.Started < a.Ended)), Is.True,
            $"no amd64 node ran at the same time as an arm64 node: {string.Join("; ", nodes.Select(n => $"{n.Identifier} {n.Started:T}-{n.Ended:T}"))}");
        foreach (var node in nodes)
        {
            var log = File.ReadAllText(node.Log);
            Assert.That(log, Does.Contain($"[local-batch] node {node.Identifier} in container {node.ContainerId![..12]}"), node.Log);
            Assert.That(log, Does.Contain("[local-batch] no .NET at the start: no dotnet on PATH"), node.Log);
            Assert.That(log, Does.Match(@"\[local-batch\] dockerd \S+ running in the node, 0 image\(s\) in its cache"), node.Log);
            Assert.That(log, Does.Match(@"\[local-batch\] cache saved to build-program-\S+ in [0-9.]+ s"), node.Log);
            if (node.CacheRestoreSeconds is null)
            {
                // Nothing cached yet: the SDK comes through the bootstrap, from the stand-in, never the real address.
                Assert.That(log, Does.Contain($"with file://{feed}/dotnet-install.sh").And.Match(@"installed \.NET SDK \S+ into \.dotnet/"), node.Log);
            }
        }

        Assert.That(nodes.Count(n => n.CacheRestoreSeconds is null), Is.InRange(1, 4), "only the first build nodes, which found no cache, start without one");

        var second = Batch();

        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        AssertNothingLeft(before, second);
        await AssertListsVerify("python-box", "box", ["3.11", "3.11.2"]);
        foreach (var node in Summary(second))
        {
            var log = File.ReadAllText(node.Log);
            Assert.That(node.CacheRestoreSeconds, Is.Not.Null, $"{node.Identifier} restored no cache: {node.Log}");
            Assert.That(log, Does.Match(@"\[local-batch\] cache restored from build-program-\S+ in [0-9.]+ s"), node.Log);
            Assert.That(log, Does.Not.Contain("building the build program").And.Not.Contain("SDK into .dotnet/"), $"{node.Identifier} compiled or installed again: {node.Log}");
            Assert.That(log, Does.Contain($"CodeBuild node {node.Identifier}"), "the restored program ran");
        }
    }

    private static void AssertNothingLeft(HostState before, BuildProgram.Result batch)
    {
        var leaks = HostState.Capture().Leaks(before, "python-images-local-batch", Build.CodeBuild.LocalBatch.Containers.ContainerBatch.LabelName,
            Build.CodeBuild.LocalBatch.Containers.NodeImage.Reference);
        Assert.That(leaks, Is.Empty, "the batch left things on this machine:\n" + string.Join("\n", leaks));
        Assert.That(NodeLogs().Match(batch.Output).Groups[1].Value is var logs && !Directory.Exists(Path.Combine(logs, "nodes")), Is.True, "the nodes' source copies were left");
    }

    private async Task AssertListsVerify(string repository, string suffix, string[] versions)
    {
        using var client = _registry.CreateClient();
        foreach (var version in versions)
        {
            var amd64 = await client.HeadManifestAsync(repository, $"{version}.{suffix}-amd64");
            var arm64 = await client.HeadManifestAsync(repository, $"{version}.{suffix}-arm64v8");
            Assert.That(amd64, Is.Not.Null, $"{version}.{suffix}-amd64 is missing");
            Assert.That(arm64, Is.Not.Null, $"{version}.{suffix}-arm64v8 is missing");
            var list = await client.GetManifestAsync(repository, $"{version}.{suffix}");
            Assert.That(list, Is.Not.Null, $"manifest list {version}.{suffix} is missing");
            Assert.That(list!.Descriptors().ToDictionary(d => d.Platform!.ToString(), d => d.Digest), Is.EqualTo(new Dictionary<string, string>
            {
                ["linux/amd64"] = amd64!.Digest,
                ["linux/arm64/v8"] = arm64!.Digest,
            }), $"manifest list {version}.{suffix}");
        }
    }

    private BuildProgram.Result LocalBatch(string matrix, string buildspecs, string suffix) =>
        BuildProgram.Run([$"--matrix={matrix}", "--target=LocalBatch", $"--buildspec={buildspecs}/batch.yml", $"--registry={_registry.Address}", $"--tag-suffix={suffix}", "--parallel=2", "--isolation=process"]);

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

    private sealed record NodeSummary(string Identifier, string Status, DateTimeOffset? Started, DateTimeOffset? Ended, string Log, string? ContainerId, double? CacheRestoreSeconds);

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
            n.GetProperty("log").GetString()!,
            n.GetProperty("containerId").GetString(),
            n.GetProperty("cacheRestoreSeconds").ValueKind == JsonValueKind.Null ? null : n.GetProperty("cacheRestoreSeconds").GetDouble())).ToList();
    }

    [GeneratedRegex(@"node logs in (\S+)")]
    private static partial Regex NodeLogs();
}
