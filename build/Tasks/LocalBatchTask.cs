using Build.CodeBuild.Buildspecs;
using Build.CodeBuild.LocalBatch;
using Build.Context;
using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Frosting;
using Spectre.Console;

namespace Build.Tasks;

[TaskName(TaskNames.LocalBatch)]
[TaskDescription("Runs the batch buildspec's build-graph here: each node a ./build.sh child with its variables, in parallel where independent (--parallel=N)")]
public sealed class LocalBatchTask : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public IEnumerable<string> Plan(BuildContext context)
    {
        var paths = new SourcePaths(context.Environment.WorkingDirectory.FullPath);
        var (batch, buildspecs) = BuildspecSet.Read(context.Batch.BatchBuildspec, paths);
        yield return $"{batch.File}: {batch.Nodes.Count} node(s), up to {context.Batch.Parallel} at once, one ARCH at a time{(batch.FastFail ? ", fast-fail" : string.Empty)}";
        foreach (var node in batch.Nodes)
        {
            var commands = node.Buildspec is { } file && buildspecs.TryGetValue(file, out var parsed) ? string.Join(" && ", parsed.Buildspec.Commands) : "(no buildspec)";
            var after = node.Dependencies.Count > 0 ? $" after {string.Join(", ", node.Dependencies)}" : string.Empty;
            var variables = string.Join(' ', node.Variables.Select(v => $"{v.Key}={v.Value}"));
            yield return $"node {node.Identifier}{after}: {variables}{(variables.Length > 0 ? " " : string.Empty)}{commands}";
        }
    }

    public override async Task RunAsync(BuildContext context)
    {
        var paths = new SourcePaths(context.Environment.WorkingDirectory.FullPath);
        var (batch, buildspecs) = BuildspecSet.Read(context.Batch.BatchBuildspec, paths);
        var problems = BuildspecSet.Problems(batch, buildspecs);
        problems.AddRange(batch.Nodes.Where(n => n.Buildspec is null).Select(n =>
            new BuildspecProblem(batch.File, n.Line, n.Identifier, "has no 'buildspec:'; LocalBatch runs each node's own buildspec")));
        if (problems.Count > 0)
        {
            throw new CakeException($"Cannot run {batch.File}: {problems.Count} problem(s):{Environment.NewLine}{string.Join(Environment.NewLine, problems.Select(p => "  " + p))}");
        }

        if (!context.Batch.AllowEditedBuildspec)
        {
            ThrowIfEdited(context, batch, paths);
        }

        var logs = Path.Combine(paths.Root, ".artifacts", "local-batch", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", System.Globalization.CultureInfo.InvariantCulture));
        var runner = new LocalBatchRunner(batch, buildspecs, new LocalBatchSettings(paths.Root, context.Batch.Parallel, logs, NodeEnvironment(context)));
        context.Information("Running {0}: {1} node(s), up to {2} at once{3}; node logs in {4}",
            batch.File, runner.Nodes.Count, context.Batch.Parallel, batch.FastFail ? ", fast-fail" : string.Empty, logs);

        await new BatchProgressView(AnsiConsole.Console, line => context.Information("{0}", line)).ShowAsync(runner.Nodes, async onChange =>
        {
            runner.StateChanged += onChange;
            await runner.RunAsync();
        });

        BatchReport.WriteJson(Path.Combine(logs, "summary.json"), runner.Nodes);
        context.Information(string.Empty);
        context.Information("{0}", BatchReport.Table(runner.Nodes).TrimEnd());

        var failed = runner.Nodes.Where(n => n.State is NodeState.Failed or NodeState.Stopped && !n.IgnoresFailure).ToList();
        if (failed.Count > 0)
        {
            throw new CakeException(
                $"The batch failed: {string.Join(", ", failed.Select(n => $"{n.Identifier} ({n.Reason}; log {n.LogPath})"))}." +
                (runner.Nodes.Any(n => n.State == NodeState.Skipped) ? $" Skipped because of it: {string.Join(", ", runner.Nodes.Where(n => n.State == NodeState.Skipped).Select(n => n.Identifier))}." : string.Empty));
        }
    }

    // Each node's commands run in a shell: only what Buildspec writes for the matrix runs, unless the user says otherwise.
    private static void ThrowIfEdited(BuildContext context, ParsedBatch batch, SourcePaths paths)
    {
        var directory = Path.GetDirectoryName(paths.Resolve(context.Batch.BatchBuildspec))!;
        var options = context.Batch with { BuildspecDirectory = directory };
        var edited = BuildspecChecker.CheckRunnable(
            batch, paths.Resolve(context.Batch.BatchBuildspec), paths, paths.Display(directory), BuildspecSet.Expected(context.Matrix, options, paths)).ToList();
        if (edited.Count > 0)
        {
            throw new CakeException(
                $"Refusing to run {batch.File}: a node would run commands that Buildspec did not write for the matrix {paths.Display(context.Matrix.FilePath)}:" +
                $"{Environment.NewLine}{string.Join(Environment.NewLine, edited.Select(p => "  " + p))}{Environment.NewLine}" +
                $"Regenerate with `{BuildspecSet.RegenerateCommand(context.Matrix, options, paths)}`, or pass --{Arguments.AllowEditedBuildspec} to run the files as they are.");
        }
    }

    // What every node gets, as CodeBuild's project would set it: the registry, the commit, and the tag suffix when given.
    private static Dictionary<string, string> NodeEnvironment(BuildContext context)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { [EnvVars.Registry] = context.RegistryHost };
        if (context.Source.Revision is { } revision)
        {
            environment[EnvVars.CodeBuildResolvedSourceVersion] = revision;
        }

        if (context.Options.TagSuffix is { } suffix)
        {
            environment[EnvVars.TagSuffix] = suffix;
        }

        return environment;
    }
}
