using Build.CodeBuild.Buildspecs;
using Build.CodeBuild.LocalBatch;
using Cake.Core;
using Cake.Core.Diagnostics;
using Spectre.Console;

namespace Build.Steps.RunLocalBatch;

/// <summary>
/// LocalBatch's steps: the batch buildspec's graph checked (each node must name its buildspec), run with progress on
/// this machine (<paramref name="host"/>: in containers, or null: as processes), reported, and failed when a node failed.
/// </summary>
public static class LocalBatch
{
    public static void ThrowIfInvalid(ParsedBatch batch, IReadOnlyDictionary<string, ParsedNodeBuildspec> buildspecs)
    {
        var problems = BuildspecSet.Problems(batch, buildspecs);
        problems.AddRange(batch.Nodes.Where(n => n.Buildspec is null).Select(n =>
            new BuildspecProblem(batch.File, n.Line, n.Identifier, "has no 'buildspec:'; LocalBatch runs each node's own buildspec")));
        if (problems.Count > 0)
        {
            throw new CakeException($"Cannot run {batch.File}: {problems.Count} problem(s):{Environment.NewLine}{string.Join(Environment.NewLine, problems.Select(p => "  " + p))}");
        }
    }

    /// <summary>Refuses a batch whose nodes would run commands other than <paramref name="expected"/> (what Buildspec writes for the matrix).</summary>
    /// <param name="advice">What to do instead (regenerate, or the flag that runs the files as they are).</param>
    public static void ThrowIfEdited(ParsedBatch batch, string file, SourcePaths paths, IReadOnlyList<GeneratedFile> expected, string matrix, string advice)
    {
        var edited = BuildspecChecker.CheckRunnable(batch, file, paths, paths.Display(Path.GetDirectoryName(file)!), expected).ToList();
        if (edited.Count > 0)
        {
            throw new CakeException(
                $"Refusing to run {batch.File}: a node would run commands that Buildspec did not write for the matrix {matrix}:" +
                $"{Environment.NewLine}{string.Join(Environment.NewLine, edited.Select(p => "  " + p))}{Environment.NewLine}{advice}");
        }
    }

    /// <param name="how">How the nodes run, for the opening line.</param>
    public static async Task RunAsync(
        ParsedBatch batch, IReadOnlyDictionary<string, ParsedNodeBuildspec> buildspecs, LocalBatchSettings settings, INodeHost? host, string how, ICakeLog log)
    {
        var runner = new LocalBatchRunner(batch, buildspecs, settings, host);
        log.Information("Running {0}: {1} node(s), up to {2} at once{3}, {4}; node logs in {5}",
            batch.File, runner.Nodes.Count, settings.Parallel, batch.FastFail ? ", fast-fail" : string.Empty, how, settings.LogDirectory);

        await new BatchProgressView(AnsiConsole.Console, line => log.Information("{0}", line)).ShowAsync(runner.Nodes, async onChange =>
        {
            runner.StateChanged += onChange;
            await runner.RunAsync();
        });

        BatchReport.WriteJson(Path.Combine(settings.LogDirectory, "summary.json"), runner.Nodes);
        log.Information(string.Empty);
        log.Information("{0}", BatchReport.Table(runner.Nodes).TrimEnd());

        var failed = runner.Nodes.Where(n => n.State is NodeState.Failed or NodeState.Stopped && !n.IgnoresFailure).ToList();
        if (failed.Count > 0)
        {
            throw new CakeException(
                $"The batch failed: {string.Join(", ", failed.Select(n => $"{n.Identifier} ({n.Reason}; log {n.LogPath})"))}." +
                (runner.Nodes.Any(n => n.State == NodeState.Skipped) ? $" Skipped because of it: {string.Join(", ", runner.Nodes.Where(n => n.State == NodeState.Skipped).Select(n => n.Identifier))}." : string.Empty));
        }
    }

    /// <param name="isolation">The isolation asked for; null: the default.</param>
    public static IEnumerable<string> Plan((ParsedBatch Batch, IReadOnlyDictionary<string, ParsedNodeBuildspec> Nodes) read, int parallel, Isolation? isolation)
    {
        var (batch, buildspecs) = read;
        var how = isolation is { } chosen ? Isolations.Name(chosen) : $"{Isolations.ContainerName} where it can run, else {Isolations.ProcessName}";
        yield return $"{batch.File}: {batch.Nodes.Count} node(s), up to {parallel} at once, isolation {how}{(batch.FastFail ? ", fast-fail" : string.Empty)}";
        foreach (var node in batch.Nodes)
        {
            var commands = node.Buildspec is { } file && buildspecs.TryGetValue(file, out var parsed) ? string.Join(" && ", parsed.Buildspec.Commands) : "(no buildspec)";
            var after = node.Dependencies.Count > 0 ? $" after {string.Join(", ", node.Dependencies)}" : string.Empty;
            var variables = string.Join(' ', node.Variables.Select(v => $"{v.Key}={v.Value}"));
            yield return $"node {node.Identifier}{after}: {variables}{(variables.Length > 0 ? " " : string.Empty)}{commands}";
        }
    }

    /// <summary>What every node gets, as CodeBuild's project would set it: each given variable whose value is not null.</summary>
    public static Dictionary<string, string> NodeEnvironment(IEnumerable<(string Name, string? Value)> given) =>
        given.Where(v => v.Value is not null).ToDictionary(v => v.Name, v => v.Value!, StringComparer.Ordinal);
}
