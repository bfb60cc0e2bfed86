using System.Text.Json;
using System.Text.Json.Serialization;
using Build.Aws;
using Cake.Core;
using RetryPolicy = Build.Http.RetryPolicy;

namespace Build.CodeBuild.Api;

/// <summary>
/// The two CodeBuild calls StartBatch needs (StartBuildBatch, BatchGetBuildBatches), as one more service of
/// <see cref="AwsClient"/>: its signing, retries, endpoint and region resolution and credential read.
/// </summary>
public sealed class CodeBuildClient(AwsClient client) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    // 4 attempts from 500 ms: a batch start or poll is worth a little more patience than one ECR call;
    // AWS_MAX_ATTEMPTS / AWS_RETRY_MODE (or the profile's) set them as for the SDK's clients.
    private static readonly RetryPolicy DefaultRetry = RetryPolicy.Aws with { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(500) };

    /// <summary>Where the calls go: AWS_ENDPOINT_URL_CODEBUILD, AWS_ENDPOINT_URL, the config file, or the public endpoint.</summary>
    public Uri Endpoint => client.Settings.Endpoint(AwsService.CodeBuild);

    /// <summary>
    /// A client for the region (AWS_REGION, else AWS_DEFAULT_REGION, else the profile's) and the default chain's
    /// credentials (environment, profile, or CodeBuild's/ECS's container credentials).
    /// </summary>
    public static CodeBuildClient Connect(Func<string, string?> environment)
    {
        var region = AwsSettings.ResolveRegion(regionArgument: null, hostRegion: null, environment)
            ?? throw new CakeException("No AWS region for CodeBuild: set AWS_REGION (e.g. AWS_REGION=eu-west-1) or a region in your AWS profile.");
        var credentials = AwsSettings.ResolveCredentials(detail =>
            new CakeException($"No AWS credentials for CodeBuild: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE ({detail})."));
        return new CodeBuildClient(new AwsClient(AwsSettings.For(region, credentials, account: null, environment, AwsSdkConfig.Retry(DefaultRetry))));
    }

    public async Task<BuildBatch> StartBuildBatchAsync(StartBuildBatchRequest request, CancellationToken ct = default)
    {
        var response = await CallAsync<StartBuildBatchResponse>("StartBuildBatch", request, ct).ConfigureAwait(false);
        return response.BuildBatch ?? throw new CakeException($"CodeBuild StartBuildBatch for project '{request.ProjectName}' answered without a buildBatch.");
    }

    public async Task<BuildBatch?> GetBuildBatchAsync(string id, CancellationToken ct = default)
    {
        var response = await CallAsync<BatchGetBuildBatchesResponse>("BatchGetBuildBatches", new BatchGetBuildBatchesRequest([id]), ct).ConfigureAwait(false);
        return response.BuildBatches?.FirstOrDefault(b => b.Id == id);
    }

    public void Dispose() => client.Dispose();

    private async Task<T> CallAsync<T>(string operation, object request, CancellationToken ct)
    {
        var answer = await client.CallJsonAsync(AwsService.CodeBuild, operation, JsonSerializer.Serialize(request, request.GetType(), Json), ct).ConfigureAwait(false);
        if (answer.Error is { } error)
        {
            var (code, message) = AwsError.ParseJson(answer.Body);
            var requestId = error.RequestId is { } id ? $" (request id {id})" : string.Empty;
            throw CodeBuildErrors.New(operation, code ?? $"HTTP {(int)error.Status}", message, requestId);
        }

        return JsonSerializer.Deserialize<T>(answer.Body, Json) ?? throw new CakeException($"CodeBuild {operation} answered an empty body.");
    }
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
