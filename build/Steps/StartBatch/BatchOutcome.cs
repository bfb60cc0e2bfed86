using Build.CodeBuild.Api;
using Build.CodeBuild.LocalBatch;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Build.Steps.StartBatch;

/// <summary>StartBatch's ends: the variables the batch overrides, and the final table and verdict of a followed batch.</summary>
public static class BatchOutcome
{
    /// <summary>The project's own variables stay; only those the command line gave (<paramref name="given"/>, value not null) are overridden.</summary>
    public static List<EnvironmentVariable>? Overrides(IEnumerable<(string Name, string? Value)> given)
    {
        var overrides = given.Where(v => v.Value is not null).Select(v => new EnvironmentVariable(v.Name, v.Value!)).ToList();
        return overrides.Count > 0 ? overrides : null;
    }

    /// <summary>Prints each node's final state; throws, naming the nodes that did not succeed, unless the batch succeeded.</summary>
    public static void Report(BuildBatch batch, IReadOnlyList<NodeRun> nodes, ICakeLog log)
    {
        log.Information(string.Empty);
        log.Information("{0}", BatchReport.Table(nodes).TrimEnd());
        if (batch.BuildBatchStatus != BuildStatuses.Succeeded)
        {
            var failed = nodes.Where(n => n.State is NodeState.Failed or NodeState.Stopped).Select(n => n.Identifier).ToList();
            throw new CakeException(
                $"The batch {batch.Id} ended {batch.BuildBatchStatus ?? "without a status"}" +
                (failed.Count > 0 ? $": {string.Join(", ", failed)} did not succeed" : string.Empty) + ". See each build's log in the CodeBuild console.");
        }

        log.Information("The batch {0} succeeded.", batch.Id);
    }
}
