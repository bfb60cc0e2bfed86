using System.Net.Http.Headers;
using System.Net.Sockets;
using Build.Http;

namespace Build.Registry;

/// <summary>
/// A registry's HTTP connection: sends one request and logs it (method, URL without its query, status: never a
/// credential), and turns a failed or timed-out connection into a <see cref="RegistryException"/> saying what to check.
/// </summary>
internal sealed class RegistryTransport : IDisposable
{
    private const int MaxManifestBytes = 16 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly Action<string>? _log;

    public RegistryTransport(Uri baseUri, HttpMessageHandler? handler, Action<string>? log)
    {
        BaseUri = baseUri;
        Registry = baseUri.Authority;
        _log = log;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.MaxResponseContentBufferSize = MaxManifestBytes;
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Build.Registry", "1.0"));
    }

    /// <summary>Where the API lives: <c>http://127.0.0.1:5000/</c>, <c>https://ghcr.io/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The registry as host[:port], as messages name it.</summary>
    public string Registry { get; }

    /// <summary>Same scheme, host and port as the registry's API.</summary>
    public bool IsRegistryOrigin(Uri uri) =>
        Uri.Compare(uri, BaseUri, UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0;

    public async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, RegistryTarget target, CancellationToken ct, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
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

    private string ConnectionFailure(HttpRequestMessage request, RegistryTarget target, HttpRequestException e)
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

    public string For(RegistryTarget target) => $" ({target} on registry {Registry})";

    public void Dispose() => _http.Dispose();
}
