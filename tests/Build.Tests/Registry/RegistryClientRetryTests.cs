using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Build.Http;
using Build.Registry;
using NUnit.Framework;

namespace Build.Tests.Registry;

/// <summary>RegistryClient's retries against an in-process stub: which failures are retried, how long it waits, when it gives up.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public class RegistryClientRetryTests
{
    private const string ManifestJson = """{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json"}""";

    private readonly List<TimeSpan> _waits = [];
    private readonly List<string> _retries = [];

    [Test]
    public async Task Should_retry_503s_and_return_the_manifest()
    {
        var calls = 0;
        using var client = Client(_ => ++calls <= 2 ? StubHandler.Json(HttpStatusCode.ServiceUnavailable, "") : Manifest());

        var manifest = await client.GetManifestAsync("python", "3.8");

        Assert.That(manifest, Is.Not.Null);
        Assert.That(calls, Is.EqualTo(3));
        Assert.That(_retries, Has.Count.EqualTo(2));
        Assert.That(_retries[0], Is.EqualTo($"Registry 127.0.0.1:5000: attempt 1 of 5 for manifest python:3.8 failed (HTTP 503 (ServiceUnavailable)); retrying in {_waits[0].TotalSeconds:0.0}s."));
    }

    [Test]
    public async Task Should_wait_as_long_as_retry_after_says()
    {
        var calls = 0;
        using var client = Client(_ =>
        {
            if (++calls > 1)
            {
                return Manifest();
            }

            var busy = StubHandler.Json(HttpStatusCode.TooManyRequests, "");
            busy.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return busy;
        });

        await client.GetManifestAsync("python", "3.8");

        Assert.That(_waits, Is.EqualTo(new[] { TimeSpan.FromSeconds(7) }));
        Assert.That(_retries.Single(), Does.Contain("(HTTP 429 (TooManyRequests), Retry-After 7s)"));
    }

    [Test]
    public async Task Should_retry_a_connection_reset_mid_request()
    {
        var calls = 0;
        using var client = Client(_ => ++calls == 1
            ? throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.", new IOException("reset"))
            : Manifest());

        var manifest = await client.GetManifestAsync("python", "3.8");

        Assert.That(manifest, Is.Not.Null);
        Assert.That(_retries.Single(), Does.Contain("failed (GET http://127.0.0.1:5000/v2/python/manifests/3.8 failed"));
    }

    [Test]
    public void Should_give_up_after_the_bound_with_the_registry_error()
    {
        using var client = Client(_ => StubHandler.Json(HttpStatusCode.BadGateway, """{"errors":[{"code":"UNAVAILABLE","message":"backend down"}]}"""), attempts: 3);

        var error = Assert.ThrowsAsync<RegistryException>(() => client.PutManifestAsync("python", "3.8", MediaTypes.DockerManifest, Encoding.UTF8.GetBytes(ManifestJson)))!;

        Assert.That(_waits, Has.Count.EqualTo(2));
        Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
        Assert.That(error.Message, Does.StartWith("Gave up after 3 attempts: Registry 127.0.0.1:5000 answered HTTP 502 (BadGateway) to PUT manifest python:3.8: ")
            .And.Contain("backend down").And.EndWith("retry later, or raise --retries."));
    }

    [TestCase(HttpStatusCode.NotFound)]
    [TestCase(HttpStatusCode.BadRequest)]
    [TestCase(HttpStatusCode.Forbidden)]
    public void Should_not_retry_what_another_attempt_cannot_fix(HttpStatusCode status)
    {
        var calls = 0;
        using var client = Client(_ => { calls++; return StubHandler.Json(status, ""); });

        Assert.That(async () => await client.PutManifestAsync("python", "3.8", MediaTypes.DockerManifest, Encoding.UTF8.GetBytes(ManifestJson)), Throws.TypeOf<RegistryException>());
        Assert.That(calls, Is.EqualTo(1));
        Assert.That(_retries, Is.Empty);
    }

    [Test]
    public void Should_back_off_exponentially_with_jitter_up_to_the_cap()
    {
        var policy = new RetryPolicy(10, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
        var random = new Random(42);

        var waits = Enumerable.Range(1, 5).Select(attempt => policy.Delay(attempt, retryAfter: null, random).TotalSeconds).ToList();

        Assert.That(waits[0], Is.InRange(0.5, 1.0));
        Assert.That(waits[1], Is.InRange(1.0, 2.0));
        Assert.That(waits[2], Is.InRange(2.0, 4.0));
        Assert.That(waits[3], Is.InRange(2.5, 5.0));
        Assert.That(waits[4], Is.InRange(2.5, 5.0));
        Assert.That(policy.Delay(1, TimeSpan.FromMinutes(10), random), Is.EqualTo(TimeSpan.FromSeconds(60)), "a Retry-After is honoured up to the policy's cap");
    }

    private RegistryClient Client(Func<HttpRequestMessage, HttpResponseMessage> respond, int attempts = 5) =>
        new("127.0.0.1:5000", handler: new StubHandler(respond), retry: RetryPolicy.Default.WithMaxAttempts(attempts) with { MoreAttempts = "raise --retries" }, onRetry: _retries.Add)
        {
            Sleep = (wait, _) => { _waits.Add(wait); return Task.CompletedTask; },
        };

    private static HttpResponseMessage Manifest()
    {
        var response = StubHandler.Json(HttpStatusCode.OK, ManifestJson, MediaTypes.DockerManifest);
        response.Headers.Add("Docker-Content-Digest", Digests.Sha256(Encoding.UTF8.GetBytes(ManifestJson)));
        return response;
    }
}
