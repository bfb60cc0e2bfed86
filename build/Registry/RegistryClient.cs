using Build.Context;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Build.Http;

namespace Build.Registry;

/// <summary>
/// The registry HTTP API (v2) for manifests and blobs, with Basic and Bearer-token auth.
/// Plain HTTP for loopback registries (127.0.0.0/8, localhost, [::1]), HTTPS otherwise, unless the registry is
/// given with an explicit http:// or https:// prefix. Never logs credentials or tokens, nor the queries of URLs
/// (a presigned upload URL carries its credentials there).
/// Credentials go only over https, or over plain HTTP to the registry's own host when it is loopback or was given as
/// http:// with fixed credentials; a token from a credential source (ECR's) never crosses plain HTTP off loopback.
/// A request that leaves the registry's origin (an upload Location on another host) carries no Authorization.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private const int MaxManifestBytes = 16 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly IRegistryCredentialProvider _login;
    private RegistryCredentials? _credentials;
    private readonly Action<string>? _log;
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly RetryPolicy _retry;
    private readonly Action<string>? _onRetry;
    private readonly bool _explicitlyInsecure;

    /// <param name="retry">Transient failures (429, 5xx, dropped connections) are retried under this policy; default <see cref="RetryPolicy.Default"/>.</param>
    /// <param name="onRetry">Told of each retry, with its reason and wait.</param>
    public RegistryClient(
        string registry,
        RegistryCredentials? credentials = null,
        HttpMessageHandler? handler = null,
        Action<string>? log = null,
        RetryPolicy? retry = null,
        Action<string>? onRetry = null)
        : this(registry, RegistryCredentialProviders.Fixed(credentials), handler, log, retry, onRetry)
    {
    }

    /// <summary>
    /// A client whose login comes from <paramref name="credentialSource"/>, asked before each request (an ECR token cache
    /// answers from memory and renews the token before it expires).
    /// </summary>
    public RegistryClient(
        string registry,
        Func<CancellationToken, Task<RegistryCredentials>> credentialSource,
        HttpMessageHandler? handler = null,
        Action<string>? log = null,
        RetryPolicy? retry = null,
        Action<string>? onRetry = null)
        : this(registry, RegistryCredentialProviders.From(credentialSource), handler, log, retry, onRetry)
    {
    }

    /// <summary>A client that asks <paramref name="login"/> for its login before each request, and for advice when it is refused.</summary>
    public RegistryClient(
        string registry,
        IRegistryCredentialProvider login,
        HttpMessageHandler? handler = null,
        Action<string>? log = null,
        RetryPolicy? retry = null,
        Action<string>? onRetry = null)
    {
        _retry = retry ?? RetryPolicy.Default;
        _onRetry = onRetry;
        ArgumentException.ThrowIfNullOrWhiteSpace(registry);
        BaseUri = RegistryEndpoint.BaseUri(registry);
        Registry = BaseUri.Authority;
        _login = login;
        // The user chose plain HTTP for this registry and its login; a token source's tokens get no such choice.
        _explicitlyInsecure = !login.IssuesTokens && registry.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
        _log = log;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.MaxResponseContentBufferSize = MaxManifestBytes;
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Build.Registry", "1.0"));
    }

    /// <summary>The registry as host[:port], as messages name it.</summary>
    public string Registry { get; }

    /// <summary>Waits between attempts; tests replace it to record the waits instead of sleeping.</summary>
    public Func<TimeSpan, CancellationToken, Task> Sleep { get; init; } = Task.Delay;

    /// <summary>Where the API lives: <c>http://127.0.0.1:5000/</c>, <c>https://ghcr.io/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>
    /// Checks that the registry answers its API root (GET /v2/) and, when it asks for one, accepts the login
    /// (anonymous when no credentials were given); throws a <see cref="RegistryException"/> saying what to do otherwise.
    /// </summary>
    public async Task CheckAsync(CancellationToken ct = default)
    {
        var target = Target.ApiRoot;
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri, "v2/")), target, push: false, ct)
            .ConfigureAwait(false);
        await EnsureSuccessAsync(response, target, ct).ConfigureAwait(false);
    }

    /// <summary>The manifest's media type, digest and size, or null when the registry has no such manifest (404).</summary>
    public async Task<ManifestDescriptor?> HeadManifestAsync(string repository, string reference, CancellationToken ct = default)
    {
        var target = Target.Of(repository, reference);
        using var response = await SendAsync(() => ManifestRequest(HttpMethod.Head, target), target, push: false, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, target, ct).ConfigureAwait(false);
        var digest = DigestHeader(response) ?? (Digests.IsDigest(reference) ? reference : null);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var size = response.Content.Headers.ContentLength;
        if (digest is null || size is null || mediaType is null || !MediaTypes.Accepted.Contains(mediaType))
        {
            // Some registries leave headers out of HEAD answers: the body tells all.
            var manifest = await GetManifestAsync(repository, reference, ct).ConfigureAwait(false);
            return manifest?.ToDescriptor();
        }

        return new ManifestDescriptor(mediaType, digest, size.Value);
    }

    /// <summary>
    /// The manifest with its bytes exactly as served, or null when the registry has none (404).
    /// Throws when the sha256 of the bytes is not the Docker-Content-Digest or the digest asked for.
    /// </summary>
    public async Task<Manifest?> GetManifestAsync(string repository, string reference, CancellationToken ct = default)
    {
        var target = Target.Of(repository, reference);
        using var response = await SendAsync(() => ManifestRequest(HttpMethod.Get, target), target, push: false, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, target, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var digest = Digests.Sha256(body);
        VerifyDigest(target, body.Length, digest, DigestHeader(response), "its Docker-Content-Digest header");
        VerifyDigest(target, body.Length, digest, Digests.IsDigest(reference) ? reference : null, "the digest asked for");
        return new Manifest(MediaTypeOf(response, body), digest, body);
    }

    /// <summary>Stores <paramref name="body"/> as the manifest <paramref name="reference"/> and returns its digest.</summary>
    public async Task<string> PutManifestAsync(string repository, string reference, string mediaType, ReadOnlyMemory<byte> body, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);
        var target = Target.Of(repository, reference);
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Put, ManifestUri(target))
            {
                Content = new ReadOnlyMemoryContent(body) { Headers = { ContentType = new MediaTypeHeaderValue(mediaType) } },
            },
            target,
            push: true,
            ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, target, ct).ConfigureAwait(false);

        var digest = Digests.Sha256(body.Span);
        var stored = DigestHeader(response);
        if (stored is not null && stored != digest)
        {
            throw new RegistryException(
                $"Registry {Registry} stored {target} as {stored}, but the {body.Length} bytes sent have digest {digest}: " +
                "the registry rewrote the manifest, so lists that point at it by digest would break.");
        }

        return digest;
    }

    /// <summary>Stores <paramref name="manifest"/> (e.g. what <see cref="ManifestListBuilder"/> built) under <paramref name="reference"/>.</summary>
    public Task<string> PutManifestAsync(string repository, string reference, Manifest manifest, CancellationToken ct = default) =>
        PutManifestAsync(repository, reference, manifest.MediaType, manifest.Body, ct);

    /// <summary>True when <paramref name="repository"/> holds the blob <paramref name="digest"/> (HEAD).</summary>
    public async Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken ct = default)
    {
        var target = Target.Blob(repository, digest);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, BlobUri(target)), target, push: false, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, target, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Streams the blob into <paramref name="destination"/> and checks its sha256 against <paramref name="digest"/>.</summary>
    public async Task DownloadBlobAsync(string repository, string digest, Stream destination, CancellationToken ct = default)
    {
        var target = Target.Blob(repository, digest);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, BlobUri(target)), target, push: false, ct, HttpCompletionOption.ResponseHeadersRead)
            .ConfigureAwait(false);
        await EnsureSuccessAsync(response, target, ct).ConfigureAwait(false);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        await using var source = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[81920];
        long length = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await destination.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            length += read;
        }

        VerifyDigest(target, (int)Math.Min(length, int.MaxValue), "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()), digest, "the digest asked for");
    }

    /// <summary>Uploads a blob whose bytes <paramref name="open"/> gives (monolithic: POST an upload, then PUT ?digest=).</summary>
    public async Task UploadBlobAsync(string repository, string digest, Func<Stream> open, CancellationToken ct = default)
    {
        var target = Target.Blob(repository, digest);
        using var start = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUri, $"v2/{repository}/blobs/uploads/")), target, push: true, ct)
            .ConfigureAwait(false);
        await EnsureSuccessAsync(start, target, ct).ConfigureAwait(false);
        var location = start.Headers.Location
            ?? throw new RegistryException($"Registry {Registry} started an upload of {target} but gave no Location to send it to.");
        var upload = location.IsAbsoluteUri ? location : new Uri(BaseUri, location);
        var put = new Uri(upload.AbsoluteUri + (upload.Query.Length > 0 ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest));
        // A Location on another host (a storage bucket's presigned URL) carries its own credentials: the registry's
        // Authorization is not sent there, as .NET's redirect handling would not send it either.
        using var finish = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Put, put)
            {
                Content = new StreamContent(open()) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } },
            },
            target,
            push: true,
            ct,
            authorize: IsRegistryOrigin(put)).ConfigureAwait(false);
        await EnsureSuccessAsync(finish, target, ct).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    private Uri BlobUri(Target target) => new(BaseUri, $"v2/{target.Repository}/blobs/{target.Reference}");

    /// <summary>Same scheme, host and port as the registry's API.</summary>
    private bool IsRegistryOrigin(Uri uri) =>
        Uri.Compare(uri, BaseUri, UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>
    /// Whether credentials may go to <paramref name="uri"/>: over https, or over plain HTTP to the registry's own host
    /// when that is loopback or a registry the user gave as http:// (with fixed credentials).
    /// </summary>
    private bool MaySendCredentialsTo(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps
        || (string.Equals(uri.Host, BaseUri.Host, StringComparison.OrdinalIgnoreCase) && (RegistryEndpoint.IsLoopback(uri) || _explicitlyInsecure));

    private void VerifyDigest(Target target, int length, string digest, string? claimed, string source)
    {
        if (claimed is not null && claimed != digest)
        {
            throw new RegistryException(
                $"Registry {Registry} served {target} as {length} bytes whose digest is {digest}, but {source} is {claimed}: " +
                "the bytes were changed on the way or the registry is broken; do not use them.");
        }
    }

    private static string? DigestHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault()?.Trim() : null;

    private static string MediaTypeOf(HttpResponseMessage response, byte[] body)
    {
        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (contentType is not null && contentType != "application/json" && contentType != "text/plain")
        {
            return contentType;
        }

        // A registry that serves generic JSON: the manifest names its own media type.
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("mediaType", out var mediaType) && mediaType.GetString() is { Length: > 0 } named)
            {
                return named;
            }
        }
        catch (JsonException)
        {
        }

        return contentType ?? "application/octet-stream";
    }

    private Uri ManifestUri(Target target) =>
        new(BaseUri, $"v2/{target.Repository}/manifests/{Uri.EscapeDataString(target.Reference!)}");

    private HttpRequestMessage ManifestRequest(HttpMethod method, Target target)
    {
        var request = new HttpRequestMessage(method, ManifestUri(target));
        foreach (var mediaType in MediaTypes.Accepted)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }

        return request;
    }

    /// <summary>
    /// Sends under the retry policy: a transient answer (429, 5xx) or a dropped connection is retried after a backoff
    /// (or the registry's Retry-After); each retry is reported with its reason. When the bound is passed, the last
    /// answer is returned (callers then report it) or the last failure thrown, saying how many attempts were made.
    /// </summary>
    private Task<HttpResponseMessage> SendAsync(
        Func<HttpRequestMessage> createRequest,
        Target target,
        bool push,
        CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        bool authorize = true) =>
        _retry.ExecuteAsync(
            async (attempt, token) =>
            {
                var response = await SendAuthorizedAsync(createRequest, target, push, token, completion, authorize).ConfigureAwait(false);
                if (!RetryPolicy.IsTransient(response.StatusCode))
                {
                    return response;
                }

                if (attempt >= _retry.MaxAttempts)
                {
                    // The last answer says what failed, as any error answer would.
                    using (response)
                    {
                        await EnsureSuccessAsync(response, target, token).ConfigureAwait(false);
                    }
                }

                var retryAfter = RetryAfter(response);
                response.Dispose();
                throw new TransientFailure(
                    $"HTTP {(int)response.StatusCode} ({response.StatusCode})" + (retryAfter is { } asked ? $", Retry-After {asked.TotalSeconds:0.###}s" : ""),
                    retryAfter: retryAfter);
            },
            giveUp: (failure, attempts) => GaveUp((RegistryException)failure.Error!, attempts),
            onRetry: (attempt, failure, delay) => _onRetry?.Invoke(
                $"Registry {Registry}: attempt {attempt} of {_retry.MaxAttempts} for {target} failed ({failure.Reason}); retrying in {delay.TotalSeconds:0.0}s."),
            classify: e => e switch
            {
                TransientFailure transient => transient,
                RegistryException failed when IsTransient(failed) => new TransientFailure(failed.Message, failed),
                _ => null,
            },
            sleep: Sleep,
            ct: ct);

    private RegistryException GaveUp(RegistryException last, int attempts) => attempts <= 1
        ? last
        : new RegistryException(
            $"Gave up after {attempts} attempts: {last.Message} The registry kept failing; retry later, or raise --{Arguments.Retries}.",
            last.StatusCode,
            last.ErrorCodes,
            last);

    private static bool IsTransient(RegistryException e) =>
        (e.StatusCode is { } status && RetryPolicy.IsTransient(status))
        || (e.StatusCode is null && e.InnerException is HttpRequestException request && RetryPolicy.IsTransient(request))
        || (e.StatusCode is null && e.InnerException is TaskCanceledException);

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>
    /// Sends with the cached token or Basic credentials; on a Bearer challenge gets a token and retries once.
    /// Unless <paramref name="authorize"/>: then without any Authorization (a request that leaves the registry's origin).
    /// </summary>
    private async Task<HttpResponseMessage> SendAuthorizedAsync(
        Func<HttpRequestMessage> createRequest, Target target, bool push, CancellationToken ct, HttpCompletionOption completion, bool authorize)
    {
        if (!authorize)
        {
            return await SendOnceAsync(createRequest(), scope: null, target, ct, completion).ConfigureAwait(false);
        }

        _credentials = await _login.GetAsync(ct).ConfigureAwait(false);
        if (_credentials is not null && !MaySendCredentialsTo(BaseUri))
        {
            throw new RegistryException(
                $"Registry {Registry} is reached over plain HTTP ({BaseUri}) and is not a loopback address: not sending its login " +
                "(a registry token) in clear text. Reach it over https.");
        }

        var scope = target.Scope(push);
        var response = await SendOnceAsync(createRequest(), scope, target, ct, completion).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var challenges = AuthChallenge.From(response);
        if (challenges.FirstOrDefault(c => c.IsBearer) is { } bearer)
        {
            response.Dispose();
            _tokens[scope] = await FetchTokenAsync(bearer, scope, target, ct).ConfigureAwait(false);
            return await SendOnceAsync(createRequest(), scope, target, ct, completion).ConfigureAwait(false);
        }

        if (_credentials is null && challenges.FirstOrDefault(c => c.IsBasic) is { } basic)
        {
            response.Dispose();
            throw new RegistryException(
                $"Registry {Registry} requires a login (Basic realm=\"{basic["realm"]}\") for {target} and no credentials were given: " +
                _login.Advice(Registry),
                HttpStatusCode.Unauthorized);
        }

        return response;
    }

    /// <param name="scope">The token scope; null sends no Authorization at all.</param>
    private async Task<HttpResponseMessage> SendOnceAsync(
        HttpRequestMessage request, string? scope, Target target, CancellationToken ct, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using (request)
        {
            request.Headers.Authorization = scope is null
                ? null
                : _tokens.TryGetValue(scope, out var token)
                    ? new AuthenticationHeaderValue("Bearer", token)
                    : BasicAuthorization();
            var response = await SendLoggedAsync(request, target, ct, completion).ConfigureAwait(false);
            return response;
        }
    }

    private AuthenticationHeaderValue? BasicAuthorization() => _credentials is null
        ? null
        : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_credentials.Username}:{_credentials.Password}")));

    private async Task<HttpResponseMessage> SendLoggedAsync(
        HttpRequestMessage request, Target target, CancellationToken ct, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var line = $"{request.Method} {request.RequestUri?.GetLeftPart(UriPartial.Path)}";
        try
        {
            var response = await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
            _log?.Invoke($"{line} → {(int)response.StatusCode}");
            return response;
        }
        catch (HttpRequestException e)
        {
            _log?.Invoke($"{line} → failed: {e.Message}");
            throw new RegistryException(ConnectionFailure(request, target, e), innerException: e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            _log?.Invoke($"{line} → timed out");
            throw new RegistryException(
                $"{request.Method} {Redaction.Url(request.RequestUri!)} timed out after {_http.Timeout.TotalSeconds:0}s{For(target)}. " +
                (IsRegistryOrigin(request.RequestUri!)
                    ? $"Is the registry at {BaseUri} reachable and healthy?"
                    : $"Registry {Registry} sent the request to {request.RequestUri!.Authority}: is that host reachable and healthy?"),
                innerException: e);
        }
    }

    private string ConnectionFailure(HttpRequestMessage request, Target target, HttpRequestException e)
    {
        var uri = request.RequestUri!;
        var root = new Uri(uri, "/");
        var refused = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
        var hint = e.HttpRequestError switch
        {
            _ when !IsRegistryOrigin(uri) => $"Registry {Registry} sent the request to {root}: is that host reachable from here?",
            _ when refused => $"Is the registry running at {root}?",
            HttpRequestError.NameResolutionError => $"The host name {uri.Host} does not resolve: is the registry name right?",
            HttpRequestError.SecureConnectionError =>
                $"TLS failed. If the registry at {uri.Authority} serves plain HTTP, give it as http://{uri.Authority}.",
            _ => $"Is the registry running at {root}, and reachable from here?",
        };
        return $"{request.Method} {Redaction.Url(uri)} failed{For(target)}: {Redaction.Text(e.Message).TrimEnd('.')}. {hint}";
    }

    private string For(Target target) => $" ({target} on registry {Registry})";

    private async Task<string> FetchTokenAsync(AuthChallenge challenge, string scope, Target target, CancellationToken ct)
    {
        var realm = challenge["realm"];
        if (string.IsNullOrEmpty(realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
        {
            throw new RegistryException($"Registry {Registry} asked for a token for {target} but named no usable realm ({challenge}).");
        }

        if (_credentials is not null && !MaySendCredentialsTo(realmUri))
        {
            throw new RegistryException(
                $"Registry {Registry} asked for a token from the realm {Redaction.Url(realmUri)} for {target}: credentials go only over https, " +
                $"or over plain HTTP to the registry's own host ({BaseUri.Host}) when it is loopback or given as http://, so they were not sent. " +
                "Check the registry's token service configuration (the realm of its WWW-Authenticate challenge).",
                HttpStatusCode.Unauthorized);
        }

        if (_credentials?.IdentityToken is { } refreshToken)
        {
            return await FetchTokenWithIdentityTokenAsync(realmUri, challenge, scope, refreshToken, target, ct).ConfigureAwait(false);
        }

        var query = new List<string>();
        if (challenge["service"] is { } service)
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }

        if ((challenge["scope"] ?? scope) is { Length: > 0 } wanted)
        {
            query.Add("scope=" + Uri.EscapeDataString(wanted));
        }

        var tokenUri = new Uri(realmUri.AbsoluteUri + (realmUri.Query.Length > 0 ? "&" : "?") + string.Join("&", query));
        using var request = new HttpRequestMessage(HttpMethod.Get, tokenUri);
        request.Headers.Authorization = BasicAuthorization();
        using var response = await SendLoggedAsync(request, target, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var error = RegistryErrorBody.Parse(body);
            throw new RegistryException(
                $"Token service {realmUri.GetLeftPart(UriPartial.Path)} for registry {Registry} answered HTTP {(int)response.StatusCode} " +
                $"({response.StatusCode}) for {target}: {Redaction.Text(error.Text)}; " +
                _login.Advice(Registry),
                response.StatusCode,
                error.Codes);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            foreach (var name in (string[])["token", "access_token"])
            {
                if (document.RootElement.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } token)
                {
                    return token;
                }
            }
        }
        catch (JsonException)
        {
        }

        throw new RegistryException(
            $"Token service {realmUri.GetLeftPart(UriPartial.Path)} for registry {Registry} answered without a token or access_token for {target}.");
    }

    // docker's identitytoken is an OAuth2 refresh token: POSTed to the realm (grant_type=refresh_token), as docker does.
    private async Task<string> FetchTokenWithIdentityTokenAsync(
        Uri realmUri, AuthChallenge challenge, string scope, string refreshToken, Target target, CancellationToken ct)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = "python-images-build",
        };
        if (challenge["service"] is { } service)
        {
            form["service"] = service;
        }

        if ((challenge["scope"] ?? scope) is { Length: > 0 } wanted)
        {
            form["scope"] = wanted;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, realmUri) { Content = new FormUrlEncodedContent(form) };
        using var response = await SendLoggedAsync(request, target, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.TryGetProperty("access_token", out var value) && value.GetString() is { Length: > 0 } token)
                {
                    return token;
                }
            }
            catch (JsonException)
            {
            }
        }

        throw new RegistryException(
            $"Token service {realmUri.GetLeftPart(UriPartial.Path)} for registry {Registry} answered HTTP {(int)response.StatusCode} " +
            $"without an access_token to the identity token{(_credentials?.Source is { } source ? $" from {source}" : "")} for {target}: " +
            _login.Advice(Registry),
            response.StatusCode);
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, Target target, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var request = response.RequestMessage;
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        var error = RegistryErrorBody.Parse(body);
        // After a redirect or at an upload Location the answer may come from another host: name the one that failed.
        var elsewhere = request?.RequestUri is { } uri && !IsRegistryOrigin(uri) ? uri.Authority : null;
        throw new RegistryException(
            (elsewhere is null ? $"Registry {Registry}" : $"{elsewhere} (where registry {Registry} sent the request)") +
            $" answered HTTP {(int)response.StatusCode} ({response.StatusCode}) to {request?.Method} {target}: {Redaction.Text(error.Text)}. " +
            (elsewhere is null
                ? Hint(response.StatusCode, error.Codes, target, request?.Method == HttpMethod.Put)
                : $"Retry; if it persists, look at the storage behind {Registry} (e.g. its bucket and presigned URLs)."),
            response.StatusCode,
            error.Codes);
    }

    private string Hint(HttpStatusCode status, IReadOnlyList<string> codes, Target target, bool push) => status switch
    {
        HttpStatusCode.Unauthorized => _credentials is null
            ? $"No credentials were given: {_login.Advice(Registry)}"
            : $"The credentials for user '{_credentials.Username}'{(_credentials.Source is { } source ? $" (from {source})" : "")} were refused: {_login.Advice(Registry)}",
        HttpStatusCode.Forbidden =>
            $"The account may lack {(push ? "push" : "pull")} access to {target.Repository ?? Registry}: {_login.Advice(Registry)}",
        HttpStatusCode.NotFound when target.Repository is null => $"Is {BaseUri} a registry? It has no /v2/ API.",
        HttpStatusCode.NotFound when codes.Contains("NAME_UNKNOWN") => $"Repository {target.Repository} does not exist on {Registry}.",
        HttpStatusCode.NotFound when target.IsBlob => $"Repository {target.Repository} on {Registry} has no blob {target.Reference}.",
        HttpStatusCode.NotFound => $"Repository {target.Repository} or reference {target.Reference} is not on {Registry}.",
        _ when codes.Contains("MANIFEST_BLOB_UNKNOWN") || codes.Contains("BLOB_UNKNOWN") =>
            $"Something the manifest refers to is not in {target.Repository}: push the per-platform images to {Registry}/{target.Repository} first.",
        HttpStatusCode.MethodNotAllowed => $"Registry {Registry} does not allow this (read-only, or a pull-through cache?).",
        >= HttpStatusCode.InternalServerError => $"The registry failed: retry, or look at the logs of {Registry}.",
        _ => "",
    };

    /// <summary>What a request is about: a manifest or a blob (repository and tag or digest, checked so that they go into a URL safely) or the API root.</summary>
    private sealed record Target(string? Repository, string? Reference, bool IsBlob = false)
    {
        public static readonly Target ApiRoot = new(null, null);

        public static Target Blob(string repository, string digest)
        {
            ArgumentNullException.ThrowIfNull(repository);
            ArgumentNullException.ThrowIfNull(digest);
            ImageReference.ValidateRepository(repository);
            ImageReference.ValidateDigest(digest);
            return new Target(repository, digest, IsBlob: true);
        }

        public static Target Of(string repository, string reference)
        {
            ArgumentNullException.ThrowIfNull(repository);
            ArgumentNullException.ThrowIfNull(reference);
            ImageReference.ValidateRepository(repository);
            _ = reference.StartsWith("sha256:", StringComparison.Ordinal)
                ? ImageReference.ValidateDigest(reference)
                : ImageReference.ValidateTag(reference);
            return new Target(repository, reference);
        }

        /// <summary>The token scope to ask for; none for the API root.</summary>
        public string Scope(bool push) => Repository is null ? "" : $"repository:{Repository}:{(push ? "pull,push" : "pull")}";

        public override string ToString() => Repository is null
            ? "the API root /v2/"
            : IsBlob
                ? $"blob {Repository}@{Reference}"
                : $"manifest {Repository}{(Digests.IsDigest(Reference!) ? "@" : ":")}{Reference}";
    }
}
