using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>
/// PushImage records the digest its own push reported, not whatever the tag holds a moment later. A real docker,
/// a real registry, and another writer: a `docker` first on PATH that runs the real push, then puts another manifest
/// (the same image, reformatted) under the tag, as a concurrent push would.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class PushDigestTests
{
    private LocalRegistry _registry = null!;
    private string _directory = null!;
    private string _matrix = null!;
    private string _tools = null!;

    [OneTimeSetUp]
    public async Task PublishBase()
    {
        _registry = await LocalRegistry.StartAsync();
        _matrix = DebianBase.WriteAmd64Matrix("trust-digest", "trust-digest-base");
        _directory = Path.GetDirectoryName(_matrix)!;
        var baseImage = BuildProgram.Run([$"--matrix={_matrix}", $"--registry={_registry.Address}", "--target=BaseImage", "--tag-suffix=d0"]);
        Assert.That(baseImage.ExitCode, Is.EqualTo(0), baseImage.ToString());

        _tools = Directory.CreateTempSubdirectory("overwriting-docker-").FullName;
        var real = Environment.GetEnvironmentVariable("PATH")!.Split(Path.PathSeparator).Select(d => Path.Combine(d, "docker")).First(File.Exists);
        var script = Path.Combine(_tools, "docker");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            [ "$1" = push ] || exec '{{real}}' "$@"
            '{{real}}' "$@" || exit $?
            for reference; do :; done
            host=${reference%%/*}; rest=${reference#*/}; repository=${rest%:*}; tag=${rest##*:}
            type=application/vnd.docker.distribution.manifest.v2+json
            curl -sf -H "Accept: $type" "http://$host/v2/$repository/manifests/$tag" > '{{_tools}}/manifest.json' || exit 9
            echo ' ' >> '{{_tools}}/manifest.json'
            curl -sf -X PUT -H "Content-Type: $type" --data-binary @'{{_tools}}/manifest.json' "http://$host/v2/$repository/manifests/$tag" || exit 9
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [OneTimeTearDown]
    public void Stop()
    {
        LocalImages.StopWithImages(_registry);
        Directory.Delete(_directory, recursive: true);
        Directory.Delete(_tools, recursive: true);
    }

    [Test]
    public async Task Should_fail_naming_both_digests_when_the_tag_no_longer_holds_what_the_push_reported()
    {
        var result = BuildProgram.Run(
            [$"--matrix={_matrix}", $"--registry={_registry.Address}", "--target=PushImage", "--tag-suffix=d1"],
            new Dictionary<string, string?> { ["PATH"] = _tools + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH") });

        using var client = _registry.CreateClient();
        var now = await client.HeadManifestAsync("trust-digest", "3.11.d1-amd64");
        Assert.That(now, Is.Not.Null, result.ToString());
        var reference = $"{_registry.Address}/trust-digest:3.11.d1-amd64";
        Assert.That(result.Output, Does.Not.Contain($"Pushed {reference} {now!.Digest}"), "the run recorded the other writer's digest as its own");
        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain($"now holds {now.Digest}"));
    }
}
