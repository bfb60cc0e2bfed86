using System.Net;
using System.Net.Sockets;
using System.Text;
using Build.Http;
using Build.Registry;
using Build.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Build.Tests.Registry;

/// <summary>
/// Where the registry client sends credentials, against a real HTTP server on loopback that plays the registry on
/// 127.0.0.1 and "another host" on 127.0.0.2: a token realm, an upload Location, an ECR token over plain HTTP.
/// </summary>
public sealed class RegistryCredentialRulesTests
{
    private const string Password = "s3cret-pa55-4f1c";
    private const string Signature = "SIG0b5e77a1c2d3";
    private const string SessionToken = "SESSIONTOKEN9f8e7d6c";
    private static readonly RegistryCredentials Login = new("builder", Password);
    private static readonly string Basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"builder:{Password}"));
    private static readonly byte[] Blob = Encoding.UTF8.GetBytes("a layer");
    private static readonly string BlobDigest = Digests.Sha256(Blob);

    [Test]
    public async Task Should_not_send_the_password_to_a_plain_http_realm_on_another_host_and_name_the_realm()
    {
        await using var server = await LoopbackServer.StartAsync(context => Registry(context, realmHost: LoopbackServer.Other));
        using var client = new RegistryClient(server.RegistryAddress, Login, retry: RetryPolicy.Default.WithMaxAttempts(1));

        var error = Assert.ThrowsAsync<RegistryException>(() => client.HeadManifestAsync("python", "3.8"))!;

        Assert.That(server.Requests.Where(r => r.Host == server.OtherAddress), Is.Empty, "a request went to the realm on another host");
        Assert.That(error.Message, Does.Contain($"http://{server.OtherAddress}/token"), "the error names the realm");
        Assert.That(error.Message, Does.Not.Contain(Password));
    }

    [Test]
    public async Task Should_send_the_password_to_a_plain_http_realm_on_the_loopback_registrys_own_host()
    {
        await using var server = await LoopbackServer.StartAsync(context => Registry(context, realmHost: LoopbackServer.Registry));
        using var client = new RegistryClient(server.RegistryAddress, Login, retry: RetryPolicy.Default.WithMaxAttempts(1));

        var manifest = await client.HeadManifestAsync("python", "3.8");

        Assert.That(manifest, Is.Not.Null);
        Assert.That(server.Requests.Single(r => r.PathAndQuery.StartsWith("/token", StringComparison.Ordinal)).Authorization, Is.EqualTo(Basic));
    }

    [Test]
    public void Should_not_downgrade_an_https_registrys_login_to_a_plain_http_realm_even_on_its_own_host()
    {
        var handler = new StubHandler(request => request.RequestUri!.AbsolutePath == "/token"
            ? StubHandler.Json(HttpStatusCode.OK, """{"token":"t"}""")
            : Challenge("""Bearer realm="http://registry.example.com/token",service="registry.example.com" """));
        using var client = new RegistryClient("registry.example.com", Login, handler, retry: RetryPolicy.Default.WithMaxAttempts(1));

        var error = Assert.ThrowsAsync<RegistryException>(() => client.HeadManifestAsync("python", "3.8"))!;

        Assert.That(handler.Requests.Select(r => r.Uri.AbsolutePath), Does.Not.Contain("/token"));
        Assert.That(error.Message, Does.Contain("http://registry.example.com/token"));
    }

    [Test]
    public async Task Should_send_the_password_to_a_plain_http_realm_on_the_own_host_of_a_registry_given_as_http()
    {
        // The user chose plain HTTP for this registry and its login (http:// prefix): its own host may have the realm.
        var handler = new StubHandler(request => request.RequestUri!.AbsolutePath == "/token"
            ? StubHandler.Json(HttpStatusCode.OK, """{"token":"t"}""")
            : request.Headers.Authorization?.ToString() == "Bearer t"
                ? StubHandler.Json(HttpStatusCode.OK, "{}")
                : Challenge("""Bearer realm="http://registry.example.com/token",service="registry.example.com" """));
        using var client = new RegistryClient("http://registry.example.com", Login, handler, retry: RetryPolicy.Default.WithMaxAttempts(1));

        await client.CheckAsync();

        Assert.That(handler.Requests.Single(r => r.Uri.AbsolutePath == "/token").Authorization, Is.EqualTo(Basic));
    }

    [Test]
    public async Task Should_not_send_the_registrys_authorization_to_an_upload_location_on_another_host()
    {
        await using var server = await LoopbackServer.StartAsync(context => Registry(context, uploadHost: LoopbackServer.Other));
        using var client = new RegistryClient(server.RegistryAddress, Login, retry: RetryPolicy.Default.WithMaxAttempts(1));

        await client.UploadBlobAsync("python", BlobDigest, () => new MemoryStream(Blob));

        var start = server.Requests.Single(r => r.Method == "POST");
        var upload = server.Requests.Single(r => r.Method == "PUT");
        Assert.That(start.Authorization, Is.EqualTo(Basic), "the registry itself gets the login");
        Assert.That(upload.Host, Is.EqualTo(server.OtherAddress));
        Assert.That(upload.Authorization, Is.Null, "the upload location on another host got the registry's Authorization");
    }

    [Test]
    public async Task Should_keep_the_authorization_for_an_upload_location_on_the_registry_itself()
    {
        await using var server = await LoopbackServer.StartAsync(context => Registry(context, uploadHost: LoopbackServer.Registry));
        using var client = new RegistryClient(server.RegistryAddress, Login, retry: RetryPolicy.Default.WithMaxAttempts(1));

        await client.UploadBlobAsync("python", BlobDigest, () => new MemoryStream(Blob));

        Assert.That(server.Requests.Single(r => r.Method == "PUT").Authorization, Is.EqualTo(Basic));
    }

    [Test]
    public async Task Should_name_the_blob_and_the_upload_host_that_failed_without_the_presigned_query()
    {
        await using var server = await LoopbackServer.StartAsync(context => Registry(context, uploadHost: LoopbackServer.Other, uploadStatus: 403));
        using var client = new RegistryClient(server.RegistryAddress, Login, retry: RetryPolicy.Default.WithMaxAttempts(1));

        var error = Assert.ThrowsAsync<RegistryException>(() => client.UploadBlobAsync("python", BlobDigest, () => new MemoryStream(Blob)))!;

        Assert.That(error.Message, Does.Contain($"blob python@{BlobDigest}"));
        Assert.That(error.Message, Does.Not.Contain("manifest"));
        Assert.That(error.Message, Does.Contain(server.OtherAddress), "the host that failed is named");
        Assert.That(error.Message, Does.Not.Contain(Signature).And.Not.Contain(SessionToken));
    }

    [Test]
    public async Task Should_not_show_the_presigned_query_when_the_upload_host_cannot_be_reached()
    {
        var closed = LocalRegistry.FreePort();
        await using var server = await LoopbackServer.StartAsync(context => Registry(context, uploadHost: $"{LoopbackServer.Other}:{closed}"));
        var log = new List<string>();
        using var client = new RegistryClient(server.RegistryAddress, Login, log: log.Add, retry: RetryPolicy.Default.WithMaxAttempts(1));

        var error = Assert.ThrowsAsync<RegistryException>(() => client.UploadBlobAsync("python", BlobDigest, () => new MemoryStream(Blob)))!;

        Assert.That(error.Message, Does.Contain($"{LoopbackServer.Other}:{closed}").And.Contain($"blob python@{BlobDigest}"));
        Assert.That(error.Message + string.Join("\n", log), Does.Not.Contain(Signature).And.Not.Contain(SessionToken));
    }

    [Test]
    public async Task Should_name_a_missing_blob_as_a_blob()
    {
        await using var server = await LoopbackServer.StartAsync(context => Registry(context));
        using var client = new RegistryClient(server.RegistryAddress, Login, retry: RetryPolicy.Default.WithMaxAttempts(1));

        var error = Assert.ThrowsAsync<RegistryException>(() => client.DownloadBlobAsync("python", BlobDigest, new MemoryStream()))!;

        Assert.That(error.Message, Does.Contain($"blob python@{BlobDigest}").And.Not.Contain("manifest"));
    }

    [Test]
    public async Task Should_never_send_an_ecr_token_over_plain_http_to_a_host_that_is_not_loopback()
    {
        // ecr-proxy.example is not loopback by name; the test's own resolver takes it to the server on 127.0.0.1.
        await using var server = await LoopbackServer.StartAsync(context => Registry(context));
        using var handler = new SocketsHttpHandler { ConnectCallback = (_, ct) => ConnectToAsync(server.Port, ct) };
        using var client = new RegistryClient(
            $"http://ecr-proxy.example:{server.Port}",
            _ => Task.FromResult(new RegistryCredentials("AWS", Password)),
            handler,
            retry: RetryPolicy.Default.WithMaxAttempts(1));

        var error = Assert.ThrowsAsync<RegistryException>(() => client.CheckAsync())!;

        Assert.That(server.Requests.Where(r => r.Authorization is not null), Is.Empty, "the token went out in clear text");
        Assert.That(error.Message, Does.Contain("plain HTTP").And.Contain("ecr-proxy.example"));
    }

    private static async ValueTask<Stream> ConnectToAsync(int port, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port, ct);
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>
    /// The registry on 127.0.0.1: manifests need a bearer token from the realm on <paramref name="realmHost"/>; an
    /// upload started on it continues at a presigned Location on <paramref name="uploadHost"/>, which answers
    /// <paramref name="uploadStatus"/> (S3's error body, quoting the signature, for a failure).
    /// </summary>
    private static async Task Registry(HttpContext context, string? realmHost = null, string? uploadHost = null, int uploadStatus = 201)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value!;
        var port = request.Host.Port;
        if (path == "/token")
        {
            await response.WriteAsJsonAsync(new { token = "t0ken-123" });
        }
        else if (path.StartsWith("/v2/python/manifests/", StringComparison.Ordinal))
        {
            if (request.Headers.Authorization != "Bearer t0ken-123")
            {
                response.StatusCode = 401;
                response.Headers.WWWAuthenticate = $"Bearer realm=\"http://{realmHost}:{port}/token\",service=\"registry\",scope=\"repository:python:pull\"";
                return;
            }

            var body = """{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json"}"""u8.ToArray();
            response.ContentType = MediaTypes.DockerManifest;
            response.ContentLength = body.Length;
            response.Headers["Docker-Content-Digest"] = Digests.Sha256(body);
        }
        else if (path == "/v2/python/blobs/uploads/" && request.Method == "POST")
        {
            var host = uploadHost is null ? null : uploadHost.Contains(':', StringComparison.Ordinal) ? uploadHost : $"{uploadHost}:{port}";
            response.StatusCode = 202;
            response.Headers.Location = $"http://{host}/upload/1?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token={SessionToken}&X-Amz-Signature={Signature}";
        }
        else if (path == "/upload/1" && request.Method == "PUT")
        {
            response.StatusCode = uploadStatus;
            if (uploadStatus >= 400)
            {
                await response.WriteAsync(
                    $"<Error><Code>AccessDenied</Code><Message>Request has expired</Message><SignatureProvided>{Signature}</SignatureProvided>" +
                    $"<CanonicalRequest>PUT /upload/1 X-Amz-Security-Token={SessionToken}&amp;X-Amz-Signature={Signature}</CanonicalRequest></Error>");
            }
        }
        else
        {
            response.StatusCode = 404;
            await response.WriteAsync("""{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}""");
        }
    }

    private static HttpResponseMessage Challenge(string challenge)
    {
        var response = StubHandler.Json(HttpStatusCode.Unauthorized, """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}""");
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
        return response;
    }
}
