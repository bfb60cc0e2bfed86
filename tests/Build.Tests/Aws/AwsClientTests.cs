using System.Net;
using System.Text;
using Amazon.Runtime;
using Build.Aws;
using Build.Tests.Aws.Emulator;
using Build.Tests.Registry;
using Cake.Core;
using RetryPolicy = Build.Http.RetryPolicy;

namespace Build.Tests.Aws;

public sealed class AwsClientTests
{
    private const string AccessKey = "AKIDUNITTEST";
    private const string Secret = "unit-test-secret";
    private static readonly RetryPolicy Fast = new(3, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5)) { FullJitter = true };

    [Test]
    public async Task Should_send_a_json_1_1_request_signed_for_the_service_and_region()
    {
        HttpRequestMessage? sent = null;
        byte[] body = [];
        var handler = new StubHandler(request =>
        {
            sent = request;
            body = request.Content!.ReadAsByteArrayAsync().Result;
            return StubHandler.Json(HttpStatusCode.OK, "{}");
        });
        using var client = Client(handler);

        await client.CallJsonAsync(AwsService.Ecr, "DescribeRepositories", """{"repositoryNames":["python"]}""");

        Assert.That(sent!.Headers.GetValues("X-Amz-Target").Single(), Is.EqualTo("AmazonEC2ContainerRegistry_V20150921.DescribeRepositories"));
        Assert.That(sent.Content!.Headers.ContentType!.MediaType, Is.EqualTo("application/x-amz-json-1.1"));
        var headers = sent.Headers.Concat(sent.Content.Headers).ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
        headers["host"] = sent.RequestUri!.Authority;
        Assert.That(headers["authorization"], Does.Contain("/eu-west-1/ecr/aws4_request"));
        Assert.That(SigV4Verifier.Verify("POST", "/", "", headers, body, new Dictionary<string, string> { [AccessKey] = Secret }, "ecr"), Is.Null);
    }

    [Test]
    public async Task Should_retry_a_service_failure_and_succeed_within_the_bound()
    {
        var calls = 0;
        using var client = Client(new StubHandler(_ => ++calls < 3 ? StubHandler.Json(HttpStatusCode.ServiceUnavailable, "{}") : StubHandler.Json(HttpStatusCode.OK, "{}")));

        var answer = await client.CallJsonAsync(AwsService.Ecr, "GetAuthorizationToken", "{}");

        Assert.That(answer.Error, Is.Null);
        Assert.That(calls, Is.EqualTo(3));
    }

    [Test]
    public void Should_retry_connection_resets_then_say_what_failed()
    {
        var calls = 0;
        using var client = Client(new StubHandler(_ => { calls++; throw new HttpRequestException("Connection reset by peer", new IOException("reset")); }));

        var error = Assert.ThrowsAsync<CakeException>(() => client.CallJsonAsync(AwsService.Ecr, "GetAuthorizationToken", "{}"));

        Assert.That(calls, Is.EqualTo(3));
        Assert.That(error!.Message, Does.Contain("ECR GetAuthorizationToken failed after 3 attempts").And.Contain("Connection reset by peer"));
    }

    [Test]
    public async Task Should_return_a_non_transient_error_with_its_name_and_message()
    {
        var calls = 0;
        using var client = Client(new StubHandler(_ =>
        {
            calls++;
            return StubHandler.Json(HttpStatusCode.BadRequest, """{"__type":"com.amazonaws.ecr#RepositoryNotFoundException:http://internal","message":"no python"}""");
        }));

        var answer = await client.CallJsonAsync(AwsService.Ecr, "DescribeRepositories", "{}");

        Assert.That(answer.Error!.Name, Is.EqualTo("RepositoryNotFoundException"));
        Assert.That(answer.Error.Message, Is.EqualTo("no python"));
        Assert.That(calls, Is.EqualTo(1));
    }

    [Test]
    public void Should_read_a_query_protocol_error()
    {
        var error = AwsError.Parse(HttpStatusCode.Forbidden, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>nope</Message></Error></ErrorResponse>", null);

        Assert.That((error.Name, error.Message), Is.EqualTo(("AccessDenied", "nope")));
    }

    [Test]
    public void Should_name_the_iam_action_and_resource_of_a_denied_call()
    {
        var error = AwsErrors.Explain(AwsService.Ecr, "CreateRepository", "arn:aws:ecr:eu-west-1:1:repository/python",
            new AwsError(HttpStatusCode.BadRequest, "AccessDeniedException", "User is not authorized", "req-1"));

        Assert.That(error.Message, Does.Contain("ecr:CreateRepository on arn:aws:ecr:eu-west-1:1:repository/python").And.Contain("req-1"));
    }

    [Test]
    public void Should_keep_backoff_within_its_exponential_ceiling()
    {
        var policy = new RetryPolicy(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { FullJitter = true };
        var random = new Random(1);

        for (var attempt = 1; attempt <= 6; attempt++)
        {
            var ceiling = Math.Min(1000, 100 * Math.Pow(2, attempt - 1));
            Assert.That(Enumerable.Range(0, 50).Select(_ => policy.Delay(attempt, null, random).TotalMilliseconds), Has.All.InRange(0, ceiling));
        }
    }

    [Test]
    public async Task Should_renew_the_token_shortly_before_it_expires()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var fetched = 0;
        var cache = new EcrTokenCache(_ =>
        {
            fetched++;
            return Task.FromResult(new EcrToken(new Build.Registry.RegistryCredentials("AWS", "p" + fetched), clock.Now.AddHours(12), "https://x"));
        }, clock);

        await cache.GetAsync();
        clock.Now = clock.Now.AddHours(11);
        Assert.That((await cache.GetAsync()).Credentials.Password, Is.EqualTo("p1"));
        clock.Now = clock.Now.AddMinutes(50);
        Assert.That((await cache.GetAsync()).Credentials.Password, Is.EqualTo("p2"));
        Assert.That(fetched, Is.EqualTo(2));
    }

    [TestCase("http://ecr-proxy.example:5000", false)]
    [TestCase("http://10.0.0.7:5000", false)]
    [TestCase("http://127.0.0.1:5000", true)]
    [TestCase("https://123456789012.dkr.ecr.eu-west-1.amazonaws.com", true)]
    public void Should_take_a_registry_token_only_for_an_https_or_loopback_proxy_endpoint(string proxyEndpoint, bool accepted)
    {
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:pa55word"));
        using var client = Client(new StubHandler(_ => StubHandler.Json(HttpStatusCode.OK,
            $$"""{"authorizationData":[{"authorizationToken":"{{token}}","expiresAt":1900000000,"proxyEndpoint":"{{proxyEndpoint}}"}]}""")));

        var get = () => new EcrClient(client).GetAuthorizationTokenAsync();

        if (accepted)
        {
            Assert.DoesNotThrowAsync(() => get());
        }
        else
        {
            var error = Assert.ThrowsAsync<CakeException>(() => get())!;
            Assert.That(error.Message, Does.Contain($"proxyEndpoint '{proxyEndpoint}'").And.Contain("plain HTTP").And.Not.Contain("pa55word"));
        }
    }

    private static AwsClient Client(HttpMessageHandler handler) =>
        new(AwsSettings.For("eu-west-1", new BasicAWSCredentials(AccessKey, Secret), "1", _ => "http://127.0.0.1:9"), handler: handler, retry: Fast);

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
