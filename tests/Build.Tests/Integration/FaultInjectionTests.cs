using System.Net;
using Build.Images;
using Build.Registry;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>
/// The real program against a real registry behind <see cref="FaultProxy"/>: 503s, 429 with Retry-After, a connection
/// dropped mid-upload, a failing docker push. Each run ends with the right images and verified manifest lists in the
/// registry, or with a clear error once the retry bound is passed.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class FaultInjectionTests() : ProxiedRegistryTests("fault")
{
    private static readonly Platform Amd64 = new("linux", "amd64");
    private static readonly Platform Arm64V8 = new("linux", "arm64", "v8");

    protected override void WriteMatrices(RegistryFixture fixture)
    {
        fixture.WriteMatrix("both.json", ["3.11"], ["amd64", "arm64v8"]);
        fixture.WriteMatrix("amd64.json", ["3.11"], ["amd64"]);
    }

    [Test]
    public async Task Should_retry_503s_and_publish_verified_manifest_lists()
    {
        var digests = await PushArchImagesAsync("f1");
        Fixture.Proxy.FailWith(HttpStatusCode.ServiceUnavailable, count: 4);

        var node = Build("both.json", "--target=PushManifest", "--tag-suffix=f1");

        Assert.That(node.ExitCode, Is.EqualTo(0), node.ToString());
        Assert.That(Fixture.Proxy.Injected, Is.EqualTo(4));
        Assert.That(node.Output, Does.Contain("attempt 1 of 5").And.Contain("failed (HTTP 503 (ServiceUnavailable)); retrying in"));
        await Fixture.AssertListAsync("3.11.f1", digests);
        await Fixture.AssertListAsync("3.11", digests);
    }

    [Test]
    public async Task Should_wait_out_a_429_with_retry_after_and_publish_the_list()
    {
        var digests = await PushArchImagesAsync("f2");
        Fixture.Proxy.FailWith(HttpStatusCode.TooManyRequests, count: 2, retryAfter: TimeSpan.FromSeconds(1), when: r => r.Method == "PUT");

        var node = Build("both.json", "--target=PushManifest", "--tag-suffix=f2");

        Assert.That(node.ExitCode, Is.EqualTo(0), node.ToString());
        Assert.That(Fixture.Proxy.Injected, Is.EqualTo(2));
        Assert.That(node.Output, Does.Contain("failed (HTTP 429 (TooManyRequests), Retry-After 1s); retrying in 1.0s."));
        await Fixture.AssertListAsync("3.11.f2", digests);
    }

    [Test]
    public async Task Should_stop_with_a_clear_error_and_publish_no_list_once_the_retry_bound_is_passed()
    {
        await PushArchImagesAsync("f3");
        Fixture.Proxy.FailWith(HttpStatusCode.ServiceUnavailable, count: int.MaxValue, when: r => r.Method == "PUT");

        var node = Build("both.json", "--target=PushManifest", "--tag-suffix=f3", "--retries=2");

        Assert.That(node.ExitCode, Is.Not.EqualTo(0), node.ToString());
        Assert.That(Fixture.Proxy.Injected, Is.EqualTo(2));
        Assert.That(node.Output, Does.Contain($"Gave up after 2 attempts: Registry {Fixture.Proxy.Address} answered HTTP 503 (ServiceUnavailable) to PUT manifest python:3.11.f3")
            .And.Contain("raise --retries"));
        using var client = Fixture.Registry.CreateClient();
        Assert.That(await client.HeadManifestAsync("python", "3.11.f3"), Is.Null);
    }

    [Test]
    public async Task Should_push_through_a_connection_dropped_mid_upload_and_publish_the_list()
    {
        Fixture.Proxy.DropMidUpload("python", count: 1);

        // --force: an earlier test may have published an image of the same inputs, and this one must push layers.
        var node = Build("amd64.json", "--target=PushImage", "--tag-suffix=f4", "--force");
        var manifestNode = Build("amd64.json", "--target=PushManifest", "--tag-suffix=f4");

        Assert.That(node.ExitCode, Is.EqualTo(0), node.ToString());
        Assert.That(manifestNode.ExitCode, Is.EqualTo(0), manifestNode.ToString());
        Assert.That(Fixture.Proxy.Requests, Has.One.Contains("→ dropped (injected)"));
        var image = await Fixture.AssertCompleteImageAsync("3.11.f4-amd64");
        await Fixture.AssertListAsync("3.11.f4", new Dictionary<string, string> { ["linux/amd64"] = image });
    }

    [Test]
    public async Task Should_rerun_docker_push_when_docker_reports_a_transient_failure()
    {
        using var docker = RecordingDocker.FailingFirstPush("received unexpected HTTP status: 503 Service Unavailable");

        var node = Build("amd64.json", docker.Environment, "--target=PushImage", "--tag-suffix=f5", "--force");

        Assert.That(node.ExitCode, Is.EqualTo(0), node.ToString());
        Assert.That(node.Output, Does.Contain($"docker push {Fixture.Proxy.Address}/python:3.11.f5-amd64: attempt 1 of 5 failed (503 Service Unavailable); retrying in"));
        Assert.That(docker.CallsOf("push"), Has.Count.EqualTo(2));
        await Fixture.AssertCompleteImageAsync("3.11.f5-amd64");
    }

    [Test]
    public async Task Should_converge_when_the_build_is_killed_mid_push_and_run_again()
    {
        // A context of its own, so that no earlier test has published an image of the same inputs.
        var matrix = Path.Combine("killed", "amd64.json");
        Directory.CreateDirectory(Path.Combine(Fixture.Directory, "killed"));
        File.Copy(Path.Combine(Fixture.Directory, "python.Dockerfile"), Path.Combine(Fixture.Directory, "killed", "python.Dockerfile"));
        File.WriteAllText(Path.Combine(Fixture.Directory, "killed", "run-id.txt"), Guid.NewGuid().ToString());
        Fixture.WriteMatrix(matrix, ["3.11"], ["amd64"]);
        Fixture.Proxy.StallUpload("python");

        using (var killed = BuildProgram.Start(Arguments(matrix, "--target=PushImage", "--tag-suffix=f6")))
        {
            await Fixture.Proxy.Stalled.WaitAsync(TimeSpan.FromMinutes(10));
            killed.KillHard();
        }

        Fixture.Proxy.ReleaseStalled();
        using var client = Fixture.Registry.CreateClient();
        Assert.That(await client.HeadManifestAsync("python", "3.11.f6-amd64"), Is.Null, "the killed run published nothing");

        var rerun = Build(matrix, "--target=PushImage", "--tag-suffix=f6");
        var manifestNode = Build(matrix, "--target=PushManifest", "--tag-suffix=f6");

        Assert.That(rerun.ExitCode, Is.EqualTo(0), rerun.ToString());
        Assert.That(manifestNode.ExitCode, Is.EqualTo(0), manifestNode.ToString());
        Assert.That(rerun.Output, Does.Contain("Building"), "the inputs tag is set last, so the killed image is built and pushed again");
        var image = await Fixture.AssertCompleteImageAsync("3.11.f6-amd64");
        await Fixture.AssertListAsync("3.11.f6", new Dictionary<string, string> { ["linux/amd64"] = image });
    }

    [Test]
    public async Task Should_publish_a_list_missing_an_arch_only_with_allow_partial_and_say_what_is_missing()
    {
        var amd64 = await TestImage.Create(Amd64, label: "f7").PushAsync(Fixture.Registry, "python", "3.11.f7-amd64");

        var refused = Build("both.json", "--target=PushManifest", "--tag-suffix=f7");
        using var client = Fixture.Registry.CreateClient();
        var listAfterRefusal = await client.HeadManifestAsync("python", "3.11.f7");
        var partial = Build("both.json", "--target=PushManifest", "--tag-suffix=f7", "--allow-partial");

        Assert.That(refused.ExitCode, Is.Not.EqualTo(0), refused.ToString());
        Assert.That(refused.Output, Does.Contain($"{Fixture.Proxy.Address}/python:3.11.f7-arm64v8").And.Contain("--allow-partial"));
        Assert.That(listAfterRefusal, Is.Null);
        Assert.That(partial.ExitCode, Is.EqualTo(0), partial.ToString());
        Assert.That(partial.Output, Does.Contain($"publishing manifest lists WITHOUT 1 arch image(s) the matrix lists: {Fixture.Proxy.Address}/python:3.11.f7-arm64v8"));
        await Fixture.AssertListAsync("3.11.f7", new Dictionary<string, string> { ["linux/amd64"] = amd64 });
    }

    // The manifest node needs arch images only: tiny ones pushed straight to the registry, no docker build.
    private async Task<Dictionary<string, string>> PushArchImagesAsync(string suffix) => new()
    {
        ["linux/amd64"] = await TestImage.Create(Amd64, label: suffix).PushAsync(Fixture.Registry, "python", $"3.11.{suffix}-amd64"),
        ["linux/arm64/v8"] = await TestImage.Create(Arm64V8, label: suffix).PushAsync(Fixture.Registry, "python", $"3.11.{suffix}-arm64v8"),
    };

    private BuildProgram.Result Build(string matrix, params string[] arguments) => Build(matrix, null, arguments);

    private BuildProgram.Result Build(string matrix, IDictionary<string, string?>? environment, params string[] arguments) =>
        BuildProgram.Run(Arguments(matrix, arguments), environment);

    private string[] Arguments(string matrix, params string[] arguments) => Fixture.Arguments(matrix, ["--install-prerequisites=false", .. arguments]);
}
