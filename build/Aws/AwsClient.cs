using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Cake.Core;
using Build.Http;
using RetryPolicy = Build.Http.RetryPolicy;

namespace Build.Aws;

/// <summary>
/// Signed calls to AWS's JSON 1.1 APIs (ECR, ECR Public, KMS, CodeBuild) and STS's query API: SigV4 by the SDK's public signer, bounded retries with backoff and
/// jitter for transient answers. Transient failures past the bound and credential problems become a
/// <see cref="CakeException"/>; any other error answer is returned for the caller to explain. Logs method, URL,
/// operation and status only, never a body (tokens travel in bodies).
/// </summary>
public sealed class AwsClient : IDisposable
{
    public const string JsonContentType = "application/x-amz-json-1.1";
    public const string FormContentType = "application/x-www-form-urlencoded";

    private readonly AwsSettings _settings;
    private readonly HttpClient _http;
    private readonly RetryPolicy _retry;
    private readonly Action<string>? _log;
    private readonly Random _random = new();

    public AwsClient(AwsSettings settings, Action<string>? log = null, HttpMessageHandler? handler = null, RetryPolicy? retry = null)
    {
        _settings = settings;
        _log = log;
        _retry = retry ?? settings.Retry;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = TimeSpan.FromSeconds(60);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Build.Aws", "1.0"));
    }

    public AwsSettings Settings => _settings;

    /// <summary>POSTs a JSON 1.1 request (<c>X-Amz-Target: prefix.operation</c>).</summary>
    public Task<AwsAnswer> CallJsonAsync(AwsService service, string operation, string json, CancellationToken ct = default) =>
        SendAsync(service, operation, Encoding.UTF8.GetBytes(json), JsonContentType, service.TargetPrefix + operation, ct);

    /// <summary>POSTs a query-protocol request (STS: a form body, no X-Amz-Target; the answer is XML).</summary>
    public Task<AwsAnswer> CallQueryAsync(AwsService service, string operation, string form, CancellationToken ct = default) =>
        SendAsync(service, operation, Encoding.UTF8.GetBytes(form), FormContentType, target: null, ct);

    public void Dispose() => _http.Dispose();

    /// <summary>The headers the SDK's SigV4 signer adds to a POST of <paramref name="body"/> to <paramref name="endpoint"/>.</summary>
    public static IDictionary<string, string> Sign(
        AWSCredentials credentials, AwsService service, string region, Uri endpoint, byte[] body, string contentType, string? target, DateTime? signedAt = null)
    {
        var request = new AWSSigningRequest
        {
            HttpMethod = HttpMethod.Post,
            RequestUri = endpoint,
            Content = body,
        };
        request.Headers["Content-Type"] = contentType;
        if (target is not null)
        {
            request.Headers["X-Amz-Target"] = target;
        }

        var parameters = new AWSSigV4Parameters
        {
            Credentials = credentials,
            Region = RegionEndpoint.GetBySystemName(service.SigningRegion(region)),
            Service = service.SigningName,
        };
        if (signedAt is not null)
        {
            parameters.SignedAt = signedAt.Value;
        }

        return AWSSigV4Signer.Sign(request, parameters).Headers;
    }

    private Task<AwsAnswer> SendAsync(AwsService service, string operation, byte[] body, string contentType, string? target, CancellationToken ct)
    {
        var endpoint = _settings.Endpoint(service);
        var what = $"{service} {operation}";
        return _retry.ExecuteAsync(
            (attempt, token) => AttemptAsync(service, endpoint, what, attempt, body, contentType, target, token),
            giveUp: (failure, attempts) => new CakeException($"{what} failed after {attempts} attempts: {failure.Reason}."),
            random: _random,
            ct: ct);
    }

    /// <summary>One POST: the answer, or a <see cref="TransientFailure"/> saying what failed and what to check.</summary>
    private async Task<AwsAnswer> AttemptAsync(
        AwsService service, Uri endpoint, string what, int attempt, byte[] body, string contentType, string? target, CancellationToken ct)
    {
        try
        {
            using var request = CreateRequest(service, endpoint, body, contentType, target);
            using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            _log?.Invoke($"POST {endpoint} {what} → {(int)response.StatusCode} (attempt {attempt})");
            if (response.IsSuccessStatusCode)
            {
                return new AwsAnswer(text, null);
            }

            var error = AwsError.Parse(response.StatusCode, text, RequestId(response));
            if (!error.IsTransient)
            {
                return AwsErrors.CredentialsRejected(what, error) is { } rejected ? throw rejected : new AwsAnswer(text, error);
            }

            throw new TransientFailure(error.IsThrottling
                ? $"throttled ({error}). AWS is rate-limiting this account: retry later, or run fewer builds at once"
                : $"the service failed ({error}, HTTP {(int)error.Status}). Retry later; see the AWS Health Dashboard if it persists");
        }
        catch (HttpRequestException e)
        {
            var refused = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
            _log?.Invoke($"POST {endpoint} {what} → failed: {e.Message} (attempt {attempt})");
            throw new TransientFailure(
                $"the connection to {endpoint} failed ({e.Message.TrimEnd('.')}). " +
                (refused ? "Nothing listens there: check AWS_ENDPOINT_URL and its per-service variants" : "Check the network and proxy settings"), e);
        }
        catch (IOException e)
        {
            _log?.Invoke($"POST {endpoint} {what} → connection reset: {e.Message} (attempt {attempt})");
            throw new TransientFailure($"the connection to {endpoint} was reset ({e.Message.TrimEnd('.')}). Check the network and proxy settings", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            _log?.Invoke($"POST {endpoint} {what} → timed out (attempt {attempt})");
            throw new TransientFailure($"{endpoint} did not answer within {_http.Timeout.TotalSeconds:0}s. Check the network and proxy settings", e);
        }
    }

    private HttpRequestMessage CreateRequest(AwsService service, Uri endpoint, byte[] body, string contentType, string? target)
    {
        IDictionary<string, string> signed;
        try
        {
            signed = Sign(_settings.Credentials, service, _settings.RegionName, endpoint, body, contentType, target);
        }
        catch (AmazonClientException e)
        {
            throw AwsSettings.NoCredentials(e.Message);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }

        foreach (var (name, value) in signed)
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && !name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    private static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amzn-requestid", out var values) ? values.FirstOrDefault()
        : response.Headers.TryGetValues("x-amz-request-id", out values) ? values.FirstOrDefault() : null;
}
