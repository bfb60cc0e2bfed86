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

    public bool IgnoresFailure => Node.IgnoreFailure == true;

    public bool IsDone => State is not (NodeState.Pending or NodeState.InProgress);

    /// <summary>Lets the nodes that depend on it start: it succeeded, or its failure is ignored (as CodeBuild does).</summary>
    public bool UnblocksDependents => State == NodeState.Succeeded || IgnoresFailure;

    public TimeSpan Elapsed(DateTimeOffset now) => Started is { } start ? (Ended ?? now) - start : TimeSpan.Zero;

    public static string StatusName(NodeState state) => state switch
    {
        NodeState.InProgress => "IN_PROGRESS",
        _ => state.ToString().ToUpperInvariant(),
    };
}
