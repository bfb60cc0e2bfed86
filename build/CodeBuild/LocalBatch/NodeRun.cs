using Build.CodeBuild.Buildspecs;

namespace Build.CodeBuild.LocalBatch;

/// <summary>A node's state, named as CodeBuild names build statuses (SKIPPED: a dependency failed, so it never started).</summary>
public enum NodeState
{
    Pending,
    InProgress,
    Succeeded,
    Failed,
    Skipped,
    Stopped,
}

public sealed record PublishedImage(string Reference, string Digest);

/// <summary>One node of a local batch: its state, times, exit code, log and the images it reported.</summary>
public sealed class NodeRun(BuildGraphNode node, string logPath)
{
    public BuildGraphNode Node { get; } = node;

    public string Identifier => Node.Identifier;

    public string LogPath { get; } = logPath;

    public NodeState State { get; set; } = NodeState.Pending;

    public DateTimeOffset? Started { get; set; }

    public DateTimeOffset? Ended { get; set; }

    public int? ExitCode { get; set; }

    /// <summary>Why it did not succeed, for the table: the exit code, the failed dependency, fast-fail.</summary>
    public string? Reason { get; set; }

    public List<PublishedImage> Images { get; } = [];

    /// <summary>The node's container (--isolation=container), once docker created it.</summary>
    public string? ContainerId { get; set; }

    /// <summary>How long restoring the CodeBuild cache took, and from which key; null when nothing was restored.</summary>
    public TimeSpan? CacheRestore { get; set; }

    public string? CacheRestoredFrom { get; set; }

    /// <summary>How long saving the CodeBuild cache took; null when it was not saved.</summary>
    public TimeSpan? CacheSave { get; set; }

    public bool IgnoresFailure => Node.IgnoreFailure == true;

    public bool IsDone => State is not (NodeState.Pending or NodeState.InProgress);

    /// <summary>Lets the nodes that depend on it start: it succeeded, or its failure is ignored (as CodeBuild does).</summary>
    public bool UnblocksDependents => State == NodeState.Succeeded || IgnoresFailure;

    public TimeSpan Elapsed(DateTimeOffset now) => Started is { } start ? (Ended ?? now) - start : TimeSpan.Zero;

    /// <summary>"restore 1.2 s, save 3.4 s" for the views; "-" without a cache.</summary>
    public string CacheTimes() =>
        CacheRestore is null && CacheSave is null
            ? "-"
            : string.Join(", ", new[] { ("restore", CacheRestore), ("save", CacheSave) }.Where(t => t.Item2 is not null)
                .Select(t => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.Item1} {t.Item2!.Value.TotalSeconds:0.0} s")));

    public string ShortContainerId => ContainerId is null ? "-" : ContainerId[..Math.Min(12, ContainerId.Length)];

    public static string StatusName(NodeState state) => state switch
    {
        NodeState.InProgress => "IN_PROGRESS",
        _ => state.ToString().ToUpperInvariant(),
    };
}
