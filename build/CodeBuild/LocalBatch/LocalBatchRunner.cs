using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Build.CodeBuild.Buildspecs;
using Build.Context;
using Build.Processes;

namespace Build.CodeBuild.LocalBatch;

/// <summary>What a local batch needs besides the graph.</summary>
/// <param name="SourceRoot">Where nodes run (CODEBUILD_SRC_DIR): the repository root.</param>
/// <param name="Parallel">How many nodes run at once.</param>
/// <param name="LogDirectory">One log (and one script) per node.</param>
/// <param name="Environment">Variables every node gets (REGISTRY, TAG_SUFFIX, CODEBUILD_RESOLVED_SOURCE_VERSION, ...).</param>
public sealed record LocalBatchSettings(string SourceRoot, int Parallel, string LogDirectory, IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// Runs a batch build-graph on this machine as CodeBuild would: a node starts when every node it depends on succeeded
/// (or ignores failure); independent nodes run at once, up to <see cref="LocalBatchSettings.Parallel"/> and one ARCH at a
/// time on the shared Docker engine (<see cref="EngineSlots"/>); a node whose
/// dependency failed is skipped; with fast-fail, the first failure stops the running nodes and starts no more.
/// Each node is a bash process running its buildspec's commands with its variables, logging to its own file.
/// </summary>
public sealed partial class LocalBatchRunner(ParsedBatch batch, IReadOnlyDictionary<string, ParsedNodeBuildspec> buildspecs, LocalBatchSettings settings)
{
    /// <summary>How long a node stopped by fast-fail has, after SIGTERM, before it is killed.</summary>
    public static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(10);

    private readonly object _gate = new();

    public IReadOnlyList<NodeRun> Nodes { get; } = batch.Nodes
        .Select(n => new NodeRun(n, Path.Combine(settings.LogDirectory, n.Identifier + ".log")))
        .ToList();

    /// <summary>Called (under a lock) whenever a node changes state.</summary>
    public event Action<NodeRun>? StateChanged;

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(settings.LogDirectory);
        using var fastFail = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var slots = new EngineSlots(settings.Parallel);
        var byId = Nodes.ToDictionary(n => n.Identifier, StringComparer.Ordinal);
        var tasks = new Dictionary<string, Task>(StringComparer.Ordinal);

        // The graph is acyclic (checked before): create each node's task after its dependencies'.
        Task Start(NodeRun run) => tasks.TryGetValue(run.Identifier, out var existing)
            ? existing
            : tasks[run.Identifier] = RunNodeAsync(run, run.Node.Dependencies.Select(d => Start(byId[d])).ToList(), byId, slots, fastFail);

        await Task.WhenAll(Nodes.Select(Start).ToList());
    }

    private async Task RunNodeAsync(NodeRun run, List<Task> dependencies, Dictionary<string, NodeRun> byId, EngineSlots slots, CancellationTokenSource fastFail)
    {
        await Task.WhenAll(dependencies);
        var blocking = run.Node.Dependencies.Select(d => byId[d]).Where(d => !d.UnblocksDependents).ToList();
        if (blocking.Count > 0)
        {
            Finish(run, NodeState.Skipped, $"{string.Join(", ", blocking.Select(b => b.Identifier))} did not succeed");
            return;
        }

        try
        {
            await slots.EnterAsync(Arch(run), fastFail.Token);
        }
        catch (OperationCanceledException)
        {
            Finish(run, NodeState.Stopped, "fast-fail: another node failed");
            return;
        }

        try
        {
            var exitCode = await RunProcessAsync(run, fastFail.Token);
            if (exitCode is null)
            {
                Finish(run, NodeState.Stopped, "fast-fail: another node failed");
            }
            else if (exitCode == 0)
            {
                Finish(run, NodeState.Succeeded, null);
            }
            else
            {
                Finish(run, NodeState.Failed, $"exit code {exitCode}" + (run.IgnoresFailure ? " (ignore-failure)" : string.Empty));
                if (batch.FastFail && !run.IgnoresFailure)
                {
                    await fastFail.CancelAsync();
                }
            }
        }
        finally
        {
            slots.Leave(Arch(run));
        }
    }

    /// <returns>The exit code, or null when the node was stopped.</returns>
    private async Task<int?> RunProcessAsync(NodeRun run, CancellationToken cancellationToken)
    {
        var script = Path.Combine(settings.LogDirectory, run.Identifier + ".sh");
        var commands = run.Node.Buildspec is { } file && buildspecs.TryGetValue(file, out var parsed) ? parsed.Buildspec.Commands.ToList() : [];
        // As CodeBuild runs a phase: the commands in order, in the source folder, stopping at the first that fails.
        await File.WriteAllLinesAsync(script, ["set -eo pipefail", $"cd '{settings.SourceRoot.Replace("'", "'\\''")}'", .. commands], CancellationToken.None);

        // In a process group of its own (setsid), so that fast-fail's SIGTERM reaches the node's every process at once.
        var start = new ProcessStartInfo(Setsid ?? "bash", Setsid is null ? [script] : ["bash", script])
        {
            WorkingDirectory = settings.SourceRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        ConfigureEnvironment(start.Environment, run);

        await using var log = new StreamWriter(run.LogPath) { AutoFlush = true };
        await log.WriteLineAsync($"# node {run.Identifier}: {string.Join(" && ", commands)}");
        foreach (var (name, value) in run.Node.Variables)
        {
            await log.WriteLineAsync($"# {name}={value}");
        }

        using var process = new Process { StartInfo = start };
        void Write(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                log.WriteLine(line);
            }

            if (PushedDigest().Match(line) is { Success: true } match)
            {
                lock (_gate)
                {
                    var image = new PublishedImage(match.Groups["reference"].Value, match.Groups["digest"].Value);
                    if (!run.Images.Contains(image))
                    {
                        run.Images.Add(image);
                    }
                }
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);

        lock (_gate)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return null;
            }

            process.Start();
            run.Started = DateTimeOffset.UtcNow;
            run.State = NodeState.InProgress;
            StateChanged?.Invoke(run);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM first, to the whole tree (bash, ./build.sh, the program, docker): the program removes its private
            // DOCKER_CONFIG before it exits. Whatever is still running after the grace period is killed.
            ProcessTree.Signal(process.Id, ProcessTree.SigTerm);
            using var grace = new CancellationTokenSource(StopGracePeriod);
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }

            lock (log)
            {
                log.WriteLine("# stopped: fast-fail");
            }

            return null;
        }

        run.ExitCode = process.ExitCode;
        return process.ExitCode;
    }

    private void ConfigureEnvironment(IDictionary<string, string?> environment, NodeRun run)
    {
        // Nothing of this machine's node variables leaks in: each node has only its own ARCH and VERSION.
        foreach (var name in environment.Keys.Where(k => k is EnvVars.Arch or EnvVars.Version || k.StartsWith("CODEBUILD_", StringComparison.Ordinal)).ToList())
        {
            environment.Remove(name);
        }

        foreach (var (name, value) in settings.Environment)
        {
            environment[name] = value;
        }

        foreach (var (name, value) in run.Node.Variables)
        {
            environment[name] = value;
        }

        // The variables CodeBuild sets in each build of a batch.
        environment[EnvVars.CodeBuildBatchBuildIdentifier] = run.Identifier;
        environment[EnvVars.CodeBuildBuildId] = $"local-batch:{Path.GetFileName(settings.LogDirectory)}-{run.Identifier}";
        environment[EnvVars.CodeBuildStartTime] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        environment[EnvVars.CodeBuildSourceDirectory] = settings.SourceRoot;
        environment["NO_COLOR"] = "1";
    }

    private static string? Arch(NodeRun run) => run.Node.Variables.GetValueOrDefault(EnvVars.Arch);

    private static readonly string? Setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    private void Finish(NodeRun run, NodeState state, string? reason)
    {
        lock (_gate)
        {
            run.State = state;
            run.Reason = reason;
            run.Ended = DateTimeOffset.UtcNow;
            StateChanged?.Invoke(run);
        }
    }

    // What PushImage and PushManifest log for each image and manifest list they publish.
    [GeneratedRegex(@"^Pushed (and verified )?(?<reference>\S+) (?<digest>sha256:[0-9a-f]{64})\s*$")]
    private static partial Regex PushedDigest();
}
