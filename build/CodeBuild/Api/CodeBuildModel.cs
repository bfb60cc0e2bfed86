using System.Text.Json.Serialization;

namespace Build.CodeBuild.Api;

// The members of botocore's codebuild 2016-10-06 model this program uses; JSON 1.1 names are camelCase,
// timestamps are epoch seconds. Statuses are kept as strings and read leniently (PENDING is seen in practice).

public sealed record EnvironmentVariable(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("type")] string Type = "PLAINTEXT");

public sealed record StartBuildBatchRequest(
    [property: JsonPropertyName("projectName")] string ProjectName,
    [property: JsonPropertyName("sourceVersion")] string SourceVersion,
    [property: JsonPropertyName("idempotencyToken")] string IdempotencyToken,
    [property: JsonPropertyName("environmentVariablesOverride")] IReadOnlyList<EnvironmentVariable>? EnvironmentVariablesOverride);

public sealed record StartBuildBatchResponse([property: JsonPropertyName("buildBatch")] BuildBatch? BuildBatch);

public sealed record BatchGetBuildBatchesRequest([property: JsonPropertyName("ids")] IReadOnlyList<string> Ids);

public sealed record BatchGetBuildBatchesResponse(
    [property: JsonPropertyName("buildBatches")] IReadOnlyList<BuildBatch>? BuildBatches,
    [property: JsonPropertyName("buildBatchesNotFound")] IReadOnlyList<string>? BuildBatchesNotFound);

public sealed record BuildBatch(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("arn")] string? Arn,
    [property: JsonPropertyName("buildBatchStatus")] string? BuildBatchStatus,
    [property: JsonPropertyName("currentPhase")] string? CurrentPhase,
    [property: JsonPropertyName("complete")] bool Complete,
    [property: JsonPropertyName("sourceVersion")] string? SourceVersion,
    [property: JsonPropertyName("resolvedSourceVersion")] string? ResolvedSourceVersion,
    [property: JsonPropertyName("startTime")] double? StartTime,
    [property: JsonPropertyName("endTime")] double? EndTime,
    [property: JsonPropertyName("buildGroups")] IReadOnlyList<BuildGroup>? BuildGroups);

public sealed record BuildGroup(
    [property: JsonPropertyName("identifier")] string? Identifier,
    [property: JsonPropertyName("dependsOn")] IReadOnlyList<string>? DependsOn,
    [property: JsonPropertyName("ignoreFailure")] bool IgnoreFailure,
    [property: JsonPropertyName("currentBuildSummary")] BuildSummary? CurrentBuildSummary);

public sealed record BuildSummary(
    [property: JsonPropertyName("arn")] string? Arn,
    [property: JsonPropertyName("requestedOn")] double? RequestedOn,
    [property: JsonPropertyName("buildStatus")] string? BuildStatus);

/// <summary>Status names of the model's StatusType.</summary>
public static class BuildStatuses
{
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string Fault = "FAULT";
    public const string TimedOut = "TIMED_OUT";
    public const string InProgress = "IN_PROGRESS";
    public const string Stopped = "STOPPED";
    public const string Pending = "PENDING";

    public static bool IsFinal(string? status) => status is Succeeded or Failed or Fault or TimedOut or Stopped;
}
