using System.Net;
using System.Net.Sockets;
using System.Text;
using Build.Http;
using Build.Registry;
using NUnit.Framework;
using static Build.Tests.Registry.Fixtures;

namespace Build.Tests.Registry;

/// <summary>RegistryClient against an in-process stub: auth flows, headers, error messages.</summary>
public class RegistryClientTests
{
    private const string ManifestJson = """{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json"}""";
    private static readonly RegistryCredentials Login = new("builder", "s3cret-pa55");
    private static readonly string LoginBase64 = Convert.ToBase64String(Encoding.UTF8.GetBytes("builder:s3cret-pa55"));

    [Test]
    public void Should_not_print_the_password()
    {
        Assert.That(Login.ToString(), Is.EqualTo("RegistryCredentials { Username = builder, Password = *** }"));
    }

    [Test]
    public async Task Should_accept_both_image_manifest_kinds_and_both_list_kinds()
    {
        var handler = new StubHandler(_ => Manifest(ManifestJson));
        using var client = new RegistryClient("127.0.0.1:5000", handler: handler);

        await client.GetManifestAsync("python", "3.8");

        Assert.That(handler.Requests.Single().Accept, Is.EqualTo(string.Join(", ", MediaTypes.Accepted)));
        Assert.That(handler.Requests.Single().Uri.AbsoluteUri, Is.EqualTo("http://127.0.0.1:5000/v2/python/manifests/3.8"));
    }

    [Test]
    public async Task Should_keep_the_bytes_as_served()
    {
        var served = "{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"application/vnd.docker.distribution.manifest.v2+json\"\n}\n";
        using var client = new RegistryClient("127.0.0.1:5000", handler: new StubHandler(_ => Manifest(served)));

        var manifest = await client.GetManifestAsync("python", "3.8");

        Assert.That(Encoding.UTF8.GetString(manifest!.Body), Is.EqualTo(served));
        Assert.That(manifest.Digest, Is.EqualTo(Digests.Sha256(Encoding.UTF8.GetBytes(served))));
        Assert.That(manifest.MediaType, Is.EqualTo(MediaTypes.DockerManifest));
    }

    [Test]
    public async Task Should_take_the_media_type_from_the_body_when_served_as_plain_json()
    {
        using var client = new RegistryClient("127.0.0.1:5000", handler: new StubHandler(_ => StubHandler.Json(HttpStatusCode.OK, ManifestJson)));

        var manifest = await client.GetManifestAsync("python", "3.8");

        Assert.That(manifest!.MediaType, Is.EqualTo(MediaTypes.DockerManifest));
    }

    [Test]
    public void Should_reject_bytes_whose_digest_is_not_the_header()
    {
        using var client = new RegistryClient("127.0.0.1:5000", handler: new StubHandler(_ => Manifest(ManifestJson, digest: Digest('e'))));

        var error = Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("python", "3.8"))!;

        Assert.That(error.Message, Does.Contain($"but its Docker-Content-Digest header is {Digest('e')}"));
        Assert.That(error.Message, Does.Contain("python:3.8"));
    }

    [Test]
    public void Should_reject_bytes_whose_digest_is_not_the_one_asked_for()
    {
        using var client = new RegistryClient("127.0.0.1:5000", handler: new StubHandler(_ => Manifest(ManifestJson, digest: null)));

        var error = Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("python", Digest('e')))!;

        Assert.That(error.Message, Does.Contain($"but the digest asked for is {Digest('e')}"));
    }

    [Test]
    public async Task Should_send_basic_credentials()
    {
        var handler = new StubHandler(_ => Manifest(ManifestJson));
        using var client = new RegistryClient("registry.example.com", Login, handler);

        await client.HeadManifestAsync("python", "3.8");

        Assert.That(handler.Requests.Single().Authorization, Is.EqualTo("Basic " + LoginBase64));
        Assert.That(handler.Requests.Single().Uri.Scheme, Is.EqualTo("https"));
    }

    [Test]
    public async Task Should_get_a_bearer_token_retry_once_and_cache_it_per_scope()
    {
        var handler = BearerRegistry(tokenField: "token");
        var log = new List<string>();
        using var client = new RegistryClient("registry.example.com", Login, handler, log.Add);

        var first = await client.HeadManifestAsync("python", "3.8");
        var second = await client.HeadManifestAsync("python", "3.9");

        Assert.That(first, Is.Not.Null);
        Assert.That(second, Is.Not.Null);
        Assert.That(handler.Requests.Select(r => $"{r.Method} {r.Uri} {r.Authorization}"), Is.EqualTo(new[]
        {
            $"HEAD https://registry.example.com/v2/python/manifests/3.8 Basic {LoginBase64}",
            $"GET https://auth.example.com/token?service=registry.example.com&scope=repository%3Apython%3Apull Basic {LoginBase64}",
            "HEAD https://registry.example.com/v2/python/manifests/3.8 Bearer t0ken-123",
            "HEAD https://registry.example.com/v2/python/manifests/3.9 Bearer t0ken-123",
        }));
    }

    [Test]
    public async Task Should_read_access_token_when_there_is_no_token_field()
    {
        var handler = BearerRegistry(tokenField: "access_token");
        using var client = new RegistryClient("registry.example.com", handler: handler);

        Assert.That(await client.GetManifestAsync("python", "3.8"), Is.Not.Null);
        Assert.That(handler.Requests.Last().Authorization, Is.EqualTo("Bearer t0ken-123"));
        Assert.That(handler.Requests[1].Authorization, Is.Null);
    }

    [Test]
    public void Should_retry_only_once_when_the_token_is_refused()
    {
        var handler = new StubHandler(request => request.RequestUri!.Host == "auth.example.com"
            ? StubHandler.Json(HttpStatusCode.OK, """{"token":"useless"}""")
            : Challenge("""Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:python:pull" """));
        using var client = new RegistryClient("registry.example.com", Login, handler);

        var error = Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("python", "3.8"))!;

        Assert.That(handler.Requests, Has.Count.EqualTo(3));
        Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(error.Message, Does.Contain("check credentials / docker login registry.example.com"));
    }

    [Test]
    public void Should_never_log_credentials_or_tokens()
    {
        var log = new List<string>();
        var handler = BearerRegistry(tokenField: "token");
        using var client = new RegistryClient("registry.example.com", Login, handler, log.Add);

        Assert.DoesNotThrowAsync(() => client.GetManifestAsync("python", "3.8"));
        Assert.That(log, Has.Count.EqualTo(3));
        Assert.That(log[0], Is.EqualTo("GET https://registry.example.com/v2/python/manifests/3.8 → 401"));
        Assert.That(string.Join("\n", log), Does.Not.Contain("s3cret").And.Not.Contain("t0ken").And.Not.Contain(LoginBase64));
    }

    [Test]
    public void Should_ask_for_a_login_on_a_basic_challenge_without_credentials()
    {
        using var client = new RegistryClient("127.0.0.1:5000", handler: new StubHandler(_ => Challenge("Basic realm=\"test\"")));

        var error = Assert.ThrowsAsync<RegistryException>(() => client.HeadManifestAsync("python", "3.8"))!;

        Assert.That(error.Message, Is.EqualTo(
            "Registry 127.0.0.1:5000 requires a login (Basic realm=\"test\") for manifest python:3.8 and no credentials were given: " +
            "check credentials / docker login 127.0.0.1:5000."));
    }

    [Test]
    public void Should_name_registry_repository_reference_status_error_and_remedy()
    {
        var handler = new StubHandler(_ => StubHandler.Json(
            HttpStatusCode.BadRequest,
            """{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry","detail":"sha256:abc"}]}"""));
        using var client = new RegistryClient("127.0.0.1:5000", handler: handler);

        var error = Assert.ThrowsAsync<RegistryException>(
            () => client.PutManifestAsync("python", "3.8", MediaTypes.DockerManifestList, Encoding.UTF8.GetBytes("{}")))!;

        Assert.That(error.Message, Is.EqualTo(
            "Registry 127.0.0.1:5000 answered HTTP 400 (BadRequest) to PUT manifest python:3.8: " +
            "MANIFEST_BLOB_UNKNOWN: blob unknown to registry (sha256:abc). " +
            "Something the manifest refers to is not in python: push the per-platform images to 127.0.0.1:5000/python first."));
        Assert.That(error.ErrorCodes, Is.EqualTo(new[] { "MANIFEST_BLOB_UNKNOWN" }));
    }

    [Test]
    public void Should_name_the_repository_when_it_does_not_exist()
    {
        var handler = new StubHandler(_ => StubHandler.Json(
            HttpStatusCode.NotFound, """{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":{"name":"nope"}}]}"""));
        using var client = new RegistryClient("127.0.0.1:5000", handler: handler);

        var error = Assert.ThrowsAsync<RegistryException>(
            () => client.PutManifestAsync("nope", "3.8", MediaTypes.DockerManifest, Encoding.UTF8.GetBytes("{}")))!;

        Assert.That(error.Message, Does.Contain("""NAME_UNKNOWN: repository name not known to registry ({"name":"nope"}). Repository nope does not exist on 127.0.0.1:5000."""));
    }

    [Test]
    public async Task Should_return_null_on_404()
    {
        using var client = new RegistryClient("127.0.0.1:5000", handler: new StubHandler(_ => StubHandler.Json(HttpStatusCode.NotFound, "")));

        Assert.That(await client.HeadManifestAsync("python", "3.8"), Is.Null);
        Assert.That(await client.GetManifestAsync("python", "3.8"), Is.Null);
    }

    [Test]
    public void Should_ask_whether_the_registry_is_running_when_the_connection_is_refused()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var waits = new List<TimeSpan>();
        using var client = new RegistryClient($"127.0.0.1:{port}", retry: RetryPolicy.Default.WithMaxAttempts(3))
        {
            Sleep = (wait, _) => { waits.Add(wait); return Task.CompletedTask; },
        };

        var error = Assert.ThrowsAsync<RegistryException>(() => client.HeadManifestAsync("python", "3.8"))!;

        Assert.That(waits, Has.Count.EqualTo(2), "a refused connection is retried up to the bound");
        Assert.That(error.Message, Does.StartWith($"Gave up after 3 attempts: HEAD http://127.0.0.1:{port}/v2/python/manifests/3.8 failed (manifest python:3.8 on registry 127.0.0.1:{port}): "));
        Assert.That(error.Message, Does.Contain($"Is the registry running at http://127.0.0.1:{port}/?"));
    }

    [Test]
    public async Task Should_check_the_api_root_with_a_token_of_no_scope()
    {
        var handler = new StubHandler(request => request.RequestUri!.Host == "auth.example.com"
            ? StubHandler.Json(HttpStatusCode.OK, """{"token":"t0ken-123"}""")
            : request.Headers.Authorization?.ToString() == "Bearer t0ken-123"
                ? StubHandler.Json(HttpStatusCode.OK, "{}")
                : Challenge("""Bearer realm="https://auth.example.com/token",service="registry.example.com" """));
        using var client = new RegistryClient("registry.example.com", Login, handler);

        await client.CheckAsync();

        Assert.That(handler.Requests.Select(r => r.Uri.AbsoluteUri), Is.EqualTo(new[]
        {
            "https://registry.example.com/v2/",
            "https://auth.example.com/token?service=registry.example.com",
            "https://registry.example.com/v2/",
        }));
    }

    [Test]
    public void Should_say_when_the_api_root_is_not_a_registry()
    {
        using var client = new RegistryClient("127.0.0.1:5000", handler: new StubHandler(_ => StubHandler.Json(HttpStatusCode.NotFound, "<html>Not Found</html>", "text/html")));

        var error = Assert.ThrowsAsync<RegistryException>(() => client.CheckAsync())!;

        Assert.That(error.Message, Is.EqualTo(
            "Registry 127.0.0.1:5000 answered HTTP 404 (NotFound) to GET the API root /v2/: <html>Not Found</html>. Is http://127.0.0.1:5000/ a registry? It has no /v2/ API."));
    }

    [TestCase("Python", "3.8")]
    [TestCase("python", "3.8/../x")]
    public void Should_refuse_names_that_are_not_repository_or_reference(string repository, string reference)
    {
        using var client = new RegistryClient("127.0.0.1:5000", handler: new StubHandler(_ => throw new AssertionException("no request expected")));

        Assert.ThrowsAsync<FormatException>(() => client.HeadManifestAsync(repository, reference));
    }

    private static HttpResponseMessage Manifest(string json, string? digest = "computed")
    {
        var response = StubHandler.Json(HttpStatusCode.OK, json, MediaTypes.DockerManifest);
        if (digest is not null)
        {
            response.Headers.Add("Docker-Content-Digest", digest == "computed" ? Digests.Sha256(Encoding.UTF8.GetBytes(json)) : digest);
        }

        return response;
    }

    private static HttpResponseMessage Challenge(string challenge)
    {
        var response = StubHandler.Json(HttpStatusCode.Unauthorized, """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}""");
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
        return response;
    }

    /// <summary>A registry that wants a bearer token from auth.example.com, which hands out t0ken-123.</summary>
    [Test]
    public async Task Should_exchange_dockers_identity_token_at_the_token_service_as_an_OAuth2_refresh_token()
    {
        var posted = new List<string>();
        var handler = new StubHandler(request =>
        {
            if (request.RequestUri!.Host == "auth.example.com")
            {
                posted.Add($"{request.Method} {request.Content!.ReadAsStringAsync().Result}");
                return request.Method == HttpMethod.Post
                    ? StubHandler.Json(HttpStatusCode.OK, """{"access_token":"t0ken-123","expires_in":300}""")
                    : StubHandler.Json(HttpStatusCode.Unauthorized, "{}");
            }

            return request.Headers.Authorization?.ToString() == "Bearer t0ken-123"
                ? Manifest(ManifestJson)
                : Challenge("""Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:python:pull" """);
        });
        var login = RegistryCredentialProviders.Fixed(new RegistryCredentials("", "") { IdentityToken = "refresh-abc", Source = "test" });
        using var client = new RegistryClient("registry.example.com", login, handler);

        var manifest = await client.GetManifestAsync("python", "3.8");

        Assert.That(manifest, Is.Not.Null);
        Assert.That(posted, Is.EqualTo(new[]
        {
            "POST grant_type=refresh_token&refresh_token=refresh-abc&client_id=python-images-build&service=registry.example.com&scope=repository%3Apython%3Apull",
        }));
        Assert.That(handler.Requests.Select(r => r.Authorization ?? ""), Has.None.Contain("refresh-abc"), "the refresh token only goes in the POST body");
    }

    private static StubHandler BearerRegistry(string tokenField) => new(request =>
        request.RequestUri!.Host == "auth.example.com"
            ? StubHandler.Json(HttpStatusCode.OK, $$"""{"{{tokenField}}":"t0ken-123","expires_in":300}""")
            : request.Headers.Authorization?.ToString() == "Bearer t0ken-123"
                ? Manifest(ManifestJson)
                : Challenge("""Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:python:pull" """));
}
