using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Signing;
using Cake.Core;
using RetryPolicy = Build.Http.RetryPolicy;

namespace Build.CodeBuild.Api;

/// <summary>
/// A small CodeBuild client: JSON 1.1 over HTTPS (POST /, X-Amz-Target CodeBuild_20161006.&lt;Operation&gt;), signed with
/// AWSSDK.Core's SigV4 handler, retrying throttling and 5xx answers with backoff as AWS SDKs do.
/// </summary>
public sealed class CodeBuildClient : IDisposable
{
    private const string TargetPrefix = "CodeBuild_20161006.";
    private static readonly MediaTypeHeaderValue JsonType = new("application/x-amz-json-1.1");
    private static readonly string[] RetriedErrors = ["Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "LimitExceededException"];
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    // 4 attempts from 500 ms: a batch start or poll is worth a little more patience than one ECR call;
    // AWS_MAX_ATTEMPTS / AWS_RETRY_MODE (or the profile's) set them as for the SDK's clients.
    private static readonly RetryPolicy DefaultRetry = RetryPolicy.Aws with { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(500) };

    private readonly RetryPolicy _retry = Build.Aws.AwsSdkConfig.Retry(DefaultRetry);

    private readonly HttpClient _http;
    private readonly Func<TimeSpan, Task> _delay;

    public CodeBuildClient(CodeBuildEndpoint endpoint, AWSCredentials credentials, Func<TimeSpan, Task>? delay = null)
    {
        Endpoint = endpoint;
        _http = new HttpClient(new SigV4SigningHandler(credentials, endpoint.Region, CodeBuildEndpoint.SigningName, new HttpClientHandler()))
        {
            BaseAddress = endpoint.Url,
            Timeout = TimeSpan.FromSeconds(60),
        };
        _delay = delay ?? (t => Task.Delay(t));
    }

    public CodeBuildEndpoint Endpoint { get; }

    /// <summary>Credentials from the default chain: environment, profile, or CodeBuild's/ECS's container credentials.</summary>
    public static AWSCredentials DefaultCredentials()
    {
        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        }
        catch (AmazonClientException ex)
        {
            throw new CakeException($"No AWS credentials for CodeBuild: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE ({ex.Message}).");
        }
    }

    public async Task<BuildBatch> StartBuildBatchAsync(StartBuildBatchRequest request, CancellationToken ct = default)
    {
        var response = await CallAsync<StartBuildBatchResponse>("StartBuildBatch", request, ct);
        return response.BuildBatch ?? throw new CakeException($"CodeBuild StartBuildBatch for project '{request.ProjectName}' answered without a buildBatch.");
    }

    public async Task<BuildBatch?> GetBuildBatchAsync(string id, CancellationToken ct = default)
    {
        var response = await CallAsync<BatchGetBuildBatchesResponse>("BatchGetBuildBatches", new BatchGetBuildBatchesRequest([id]), ct);
        return response.BuildBatches?.FirstOrDefault(b => b.Id == id);
    }

    private async Task<T> CallAsync<T>(string operation, object request, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), Json);
        for (var attempt = 1; ; attempt++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, string.Empty) { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = JsonType;
            message.Headers.Add("X-Amz-Target", TargetPrefix + operation);

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(message, ct);
            }
            catch (HttpRequestException) when (attempt < _retry.MaxAttempts)
            {
                await _delay(_retry.Delay(attempt, retryAfter: null, Random.Shared));
                continue;
            }
            catch (HttpRequestException ex)
            {
                throw new CakeException($"CodeBuild {operation} at {Endpoint.Url} failed: {ex.Message}. Check the network, AWS_REGION and AWS_ENDPOINT_URL_CODEBUILD.");
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.IsSuccessStatusCode)
                {
                    return JsonSerializer.Deserialize<T>(text, Json) ?? throw new CakeException($"CodeBuild {operation} answered an empty body.");
                }

                var (code, detail) = ParseError(text);
                var retried = RetryPolicy.IsTransient(response.StatusCode) || RetriedErrors.Contains(code);
                if (retried && attempt < _retry.MaxAttempts)
                {
                    await _delay(_retry.Delay(attempt, retryAfter: null, Random.Shared));
                    continue;
                }

                var requestId = response.Headers.TryGetValues("x-amzn-requestid", out var ids) ? $" (request id {ids.First()})" : string.Empty;
                throw CodeBuildErrors.New(operation, code ?? $"HTTP {(int)response.StatusCode}", detail, requestId);
            }
        }
    }

    // JSON 1.1 errors: {"__type": "[namespace#]Name[:suffix]", "message" | "Message": ...}.
    public static (string? Code, string? Message) ParseError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            string? type = root.TryGetProperty("__type", out var t) ? t.GetString() : null;
            if (type is not null)
            {
                type = type[(type.IndexOf('#', StringComparison.Ordinal) + 1)..];
                type = type.Split(':')[0];
            }

            var message = root.TryGetProperty("message", out var m) ? m.GetString() : root.TryGetProperty("Message", out var m2) ? m2.GetString() : null;
            return (type, message);
        }
        catch (JsonException)
        {
            return (null, body.Length > 200 ? body[..200] : body);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>An error CodeBuild answered: the operation, the error code and its message, as a user-actionable CakeException.</summary>
public static class CodeBuildErrors
{
    public static CakeException New(string operation, string code, string? message, string requestId) => code switch
    {
        "ResourceNotFoundException" => new CakeException($"CodeBuild {operation}: {message ?? code}{requestId}. Check --codebuild-project and AWS_REGION."),
        "AccessDeniedException" or "UnrecognizedClientException" or "InvalidSignatureException" =>
            new CakeException($"CodeBuild {operation} refused the credentials: {code}: {message}{requestId}. Check AWS_PROFILE / AWS_ACCESS_KEY_ID and the role's codebuild permissions."),
        _ => new CakeException($"CodeBuild {operation} failed: {code}: {message}{requestId}."),
    };
}
