using Build.CodeBuild.Buildspecs;
using Build.CodeBuild.LocalBatch;
using Cake.Core;

namespace Build.CodeBuild.Api;

/// <summary>
/// Follows a started batch with BatchGetBuildBatches until it is complete: polls with backoff (from the base interval,
/// growing while nothing changes, up to 30 s), reports each node's status change, and keeps a NodeRun per build group
/// for the final table.
/// </summary>
public sealed class BatchFollower(CodeBuildClient client, TimeSpan interval, Action<string> log, Func<TimeSpan, Task>? delay = null)
{
    private static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, NodeRun> _nodes = new(StringComparer.Ordinal);
    private readonly Func<TimeSpan, Task> _delay = delay ?? (t => Task.Delay(t));

    public IReadOnlyList<NodeRun> Nodes => [.. _nodes.Values];

    public async Task<BuildBatch> FollowAsync(string batchId, CancellationToken ct = default)
    {
        var wait = interval;
        string? phase = null;
        while (true)
        {
            var batch = await client.GetBuildBatchAsync(batchId, ct)
                ?? throw new CakeException($"CodeBuild BatchGetBuildBatches does not know the batch {batchId} it just started: check AWS_REGION and the endpoint.");

            var changed = false;
            if (batch.CurrentPhase != phase)
            {
                phase = batch.CurrentPhase;
                log($"[{DateTime.UtcNow:HH:mm:ss}] batch {batch.Id}: phase {phase ?? "-"}, status {batch.BuildBatchStatus ?? "-"}");
                changed = true;
            }

            foreach (var group in batch.BuildGroups ?? [])
            {
                changed |= Update(group);
            }

            if (batch.Complete || BuildStatuses.IsFinal(batch.BuildBatchStatus))
            {
                foreach (var node in _nodes.Values.Where(n => !n.IsDone))
                {
                    // Never started: a node whose dependency failed.
                    node.State = NodeState.Skipped;
                    node.Reason = "did not run";
                }

                return batch;
            }

            wait = changed ? interval : TimeSpan.FromTicks(Math.Min(MaxInterval.Ticks, (long)(wait.Ticks * 1.5)));
            await _delay(wait);
        }
    }

    private bool Update(BuildGroup group)
    {
        var identifier = group.Identifier ?? "(unnamed)";
        if (!_nodes.TryGetValue(identifier, out var node))
        {
            node = new NodeRun(new BuildGraphNode { Identifier = identifier, DependOn = group.DependsOn?.ToList(), IgnoreFailure = group.IgnoreFailure }, string.Empty);
            _nodes[identifier] = node;
        }

        var summary = group.CurrentBuildSummary;
        var state = summary?.BuildStatus switch
        {
            null or BuildStatuses.Pending => NodeState.Pending,
            BuildStatuses.InProgress => NodeState.InProgress,
            BuildStatuses.Succeeded => NodeState.Succeeded,
            BuildStatuses.Stopped => NodeState.Stopped,
            _ => NodeState.Failed,
        };

        if (summary?.RequestedOn is { } requested)
        {
            node.Started ??= DateTimeOffset.FromUnixTimeMilliseconds((long)(requested * 1000));
        }

        if (state == node.State)
        {
            return false;
        }

        node.State = state;
        if (state is NodeState.Failed or NodeState.Stopped)
        {
            node.Reason = $"build {summary?.Arn}";
        }

        if (node.IsDone)
        {
            node.Ended ??= DateTimeOffset.UtcNow;
        }

        log($"[{DateTime.UtcNow:HH:mm:ss}] {identifier} {summary?.BuildStatus ?? BuildStatuses.Pending}" + (summary?.Arn is { } arn ? $" ({arn})" : string.Empty));
        return true;
    }
}
