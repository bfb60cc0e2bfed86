using System.Net;
using System.Net.Http.Headers;
using Build.Http;

namespace Build.Registry;

/// <summary>
/// The registry HTTP API (v2) for manifests and blobs, with Basic and Bearer-token auth (<see cref="RegistryAuth"/>),
/// one logged connection (<see cref="RegistryTransport"/>), error messages with hints (<see cref="RegistryAnswers"/>)
/// and <see cref="RetryPolicy"/>'s retries.
/// Plain HTTP for loopback registries (127.0.0.0/8, localhost, [::1]), HTTPS otherwise, unless the registry is
/// given with an explicit http:// or https:// prefix. Never logs credentials or tokens, nor the queries of URLs
/// (a presigned upload URL carries its credentials there).
/// Credentials go only over https, or over plain HTTP to the registry's own host when it is loopback or was given as
/// http:// with fixed credentials; a token from a credential source (ECR's) never crosses plain HTTP off loopback.
/// A request that leaves the registry's origin (an upload Location on another host) carries no Authorization.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private readonly RegistryTransport _transport;
    private readonly RegistryAuth _auth;
    private readonly RegistryAnswers _answers;
    private readonly RetryPolicy _retry;
    private readonly Action<string>? _onRetry;

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
        _transport = new RegistryTransport(RegistryEndpoint.BaseUri(registry), handler, log);
        // The user chose plain HTTP for this registry and its login; a token source's tokens get no such choice.
        _auth = new RegistryAuth(_transport, login, explicitlyInsecure: !login.IssuesTokens && registry.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        _answers = new RegistryAnswers(_transport, _auth);
    }

    /// <summary>The registry as host[:port], as messages name it.</summary>
    public string Registry => _transport.Registry;

    /// <summary>Waits between attempts; tests replace it to record the waits instead of sleeping.</summary>
    public Func<TimeSpan, CancellationToken, Task> Sleep { get; init; } = Task.Delay;

    /// <summary>Where the API lives: <c>http://127.0.0.1:5000/</c>, <c>https://ghcr.io/</c>.</summary>
    public Uri BaseUri => _transport.BaseUri;

    /// <summary>
    /// Checks that the registry answers its API root (GET /v2/) and, when it asks for one, accepts the login
    /// (anonymous when no credentials were given); throws a <see cref="RegistryException"/> saying what to do otherwise.
    /// </summary>
    public async Task CheckAsync(CancellationToken ct = default)
    {
        var target = RegistryTarget.ApiRoot;
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri, "v2/")), target, push: false, ct)
            .ConfigureAwait(false);
        await _answers.EnsureSuccessAsync(response, target, ct).ConfigureAwait(false);
    }

    /// <summary>The manifest's media type, digest and size, or null when the registry has no such manifest (404).</summary>
    public async Task<ManifestDescriptor?> HeadManifestAsync(string repository, string reference, CancellationToken ct = default)
    {
        var target = RegistryTarget.Of(repository, reference);
        using var response = await SendAsync(() => target.ManifestRequest(HttpMethod.Head, BaseUri), target, push: false, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await _answers.EnsureSuccessAsync(response, target, ct).ConfigureAwait(false);
        var digest = RegistryAnswers.DigestHeader(response) ?? (Digests.IsDigest(reference) ? reference : null);
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
        var target = RegistryTarget.Of(repository, reference);
        using var response = await SendAsync(() => target.ManifestRequest(HttpMethod.Get, BaseUri), target, push: false, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await _answers.EnsureSuccessAsync(response, target, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var digest = Digests.Sha256(body);
        _answers.VerifyDigest(target, body.Length, digest, RegistryAnswers.DigestHeader(response), "its Docker-Content-Digest header");
        _answers.VerifyDigest(target, body.Length, digest, Digests.IsDigest(reference) ? reference : null, "the digest asked for");
        return new Manifest(RegistryAnswers.MediaTypeOf(response, body), digest, body);
    }

    /// <summary>Stores <paramref name="body"/> as the manifest <paramref name="reference"/> and returns its digest.</summary>
    public async Task<string> PutManifestAsync(string repository, string reference, string mediaType, ReadOnlyMemory<byte> body, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);
        var target = RegistryTarget.Of(repository, reference);
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Put, target.ManifestUri(BaseUri))
            {
                Content = new ReadOnlyMemoryContent(body) { Headers = { ContentType = new MediaTypeHeaderValue(mediaType) } },
            },
            target,
            push: true,
            ct).ConfigureAwait(false);
        await _answers.EnsureSuccessAsync(response, target, ct).ConfigureAwait(false);

        var digest = Digests.Sha256(body.Span);
        var stored = RegistryAnswers.DigestHeader(response);
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
        var target = RegistryTarget.Blob(repository, digest);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, target.BlobUri(BaseUri)), target, push: false, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await _answers.EnsureSuccessAsync(response, target, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Streams the blob into <paramref name="destination"/> and checks its sha256 against <paramref name="digest"/>.</summary>
    public async Task DownloadBlobAsync(string repository, string digest, Stream destination, CancellationToken ct = default)
    {
        var target = RegistryTarget.Blob(repository, digest);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, target.BlobUri(BaseUri)), target, push: false, ct, HttpCompletionOption.ResponseHeadersRead)
            .ConfigureAwait(false);
        await _answers.EnsureSuccessAsync(response, target, ct).ConfigureAwait(false);
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

        _answers.VerifyDigest(target, (int)Math.Min(length, int.MaxValue), "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()), digest, "the digest asked for");
    }

    /// <summary>Uploads a blob whose bytes <paramref name="open"/> gives (monolithic: POST an upload, then PUT ?digest=).</summary>
    public async Task UploadBlobAsync(string repository, string digest, Func<Stream> open, CancellationToken ct = default)
    {
        var target = RegistryTarget.Blob(repository, digest);
        using var start = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUri, $"v2/{repository}/blobs/uploads/")), target, push: true, ct)
            .ConfigureAwait(false);
        await _answers.EnsureSuccessAsync(start, target, ct).ConfigureAwait(false);
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
            authorize: _transport.IsRegistryOrigin(put)).ConfigureAwait(false);
        await _answers.EnsureSuccessAsync(finish, target, ct).ConfigureAwait(false);
    }

    public void Dispose() => _transport.Dispose();

    /// <summary>
    /// Sends under the retry policy: a transient answer (429, 5xx) or a dropped connection is retried after a backoff
    /// (or the registry's Retry-After); each retry is reported with its reason. When the bound is passed, the last
    /// answer is returned (callers then report it) or the last failure thrown, saying how many attempts were made.
    /// </summary>
    private Task<HttpResponseMessage> SendAsync(
        Func<HttpRequestMessage> createRequest,
        RegistryTarget target,
        bool push,
        CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        bool authorize = true) =>
        _retry.ExecuteAsync(
            async (attempt, token) =>
            {
                var response = await _auth.SendAsync(createRequest, target, push, token, completion, authorize).ConfigureAwait(false);
                if (!RetryPolicy.IsTransient(response.StatusCode))
                {
                    return response;
                }

                if (attempt >= _retry.MaxAttempts)
                {
                    // The last answer says what failed, as any error answer would.
                    using (response)
                    {
                        await _answers.EnsureSuccessAsync(response, target, token).ConfigureAwait(false);
                    }
                }

                var retryAfter = RetryPolicy.RetryAfter(response);
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
            $"Gave up after {attempts} attempts: {last.Message} The registry kept failing; {_retry.GiveUpAdvice}",
            last.StatusCode,
            last.ErrorCodes,
            last);

    private static bool IsTransient(RegistryException e) =>
        (e.StatusCode is { } status && RetryPolicy.IsTransient(status))
        || (e.StatusCode is null && e.InnerException is HttpRequestException request && RetryPolicy.IsTransient(request))
        || (e.StatusCode is null && e.InnerException is TaskCanceledException);
}
