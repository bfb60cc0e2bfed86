using System.Globalization;
using Cake.Core;

namespace Build.CodeBuild;

/// <summary>
/// The CODEBUILD_* variables of the build this program runs in, typed. All null outside CodeBuild.
/// CodeBuild sets no batch id variable: a node knows its batch only through its build id and identifier.
/// </summary>
public sealed record CodeBuildEnvironment(
    string? BatchBuildIdentifier,
    string? BuildId,
    string? BuildArn,
    string? ResolvedSourceVersion,
    string? SourceVersion,
    string? SourceRepoUrl,
    string? WebhookTrigger,
    DateTimeOffset? StartTime,
    string? SourceDirectory)
{
    public static readonly CodeBuildEnvironment None = new(null, null, null, null, null, null, null, null, null);

    /// <summary>True inside any CodeBuild build (a batch node or not).</summary>
    public bool IsCodeBuild => BuildId is not null;

    /// <summary>True inside a node of a batch build: it has an identifier from the build-graph.</summary>
    public bool IsBatchNode => BatchBuildIdentifier is not null;

    public static CodeBuildEnvironment Read(ICakeEnvironment environment)
    {
        string? Get(string name) => environment.GetEnvironmentVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        DateTimeOffset? start = null;
        if (Get(CodeBuildEnvVars.StartTime) is { } text)
        {
            // Milliseconds since the epoch, per build (not per batch).
            start = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : throw new CakeException($"{CodeBuildEnvVars.StartTime} '{text}' is not a time in milliseconds since 1970, as CodeBuild sets it: unset it or fix it.");
        }

        // It reaches git as a revision and the tags as a suffix: a commit id, nothing else (not an option, not a path).
        var resolved = Get(CodeBuildEnvVars.ResolvedSourceVersion);
        if (resolved is not null && !IsCommitId(resolved))
        {
            throw new CakeException(
                $"{CodeBuildEnvVars.ResolvedSourceVersion} '{resolved}' is not a commit id: CodeBuild sets it to the commit's hex object id " +
                "(40 hex digits, or 64 for SHA-256 repositories); unset it or fix it.");
        }

        return new CodeBuildEnvironment(
            Get(CodeBuildEnvVars.BatchBuildIdentifier),
            Get(CodeBuildEnvVars.BuildId),
            Get(CodeBuildEnvVars.BuildArn),
            resolved,
            Get(CodeBuildEnvVars.SourceVersion),
            Get(CodeBuildEnvVars.SourceRepoUrl),
            Get(CodeBuildEnvVars.WebhookTrigger),
            start,
            Get(CodeBuildEnvVars.SourceDirectory));
    }

    /// <summary>A git object id in hex: full (40 or 64 digits) or abbreviated to no fewer than 7.</summary>
    public static bool IsCommitId(string value) =>
        value.Length is >= 7 and <= 64 && value.All(char.IsAsciiHexDigit);

    /// <summary>One line for the log: which node and build this is. Null outside CodeBuild.</summary>
    public string? Describe()
    {
        if (!IsCodeBuild && !IsBatchNode)
        {
            return null;
        }

        var parts = new List<string> { IsBatchNode ? $"CodeBuild node {BatchBuildIdentifier}" : "CodeBuild build" };
        if (BuildId is not null)
        {
            parts.Add($"build {BuildId}");
        }

        if (ResolvedSourceVersion is not null)
        {
            parts.Add($"commit {ResolvedSourceVersion}" + (SourceVersion is not null && SourceVersion != ResolvedSourceVersion ? $" ({SourceVersion})" : string.Empty));
        }

        if (WebhookTrigger is not null)
        {
            parts.Add($"trigger {WebhookTrigger}");
        }

        if (StartTime is { } start)
        {
            parts.Add($"started {start.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z");
        }

        return string.Join(", ", parts);
    }
}
