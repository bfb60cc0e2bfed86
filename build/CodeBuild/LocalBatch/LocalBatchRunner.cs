using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Build.CodeBuild.Buildspecs;
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
/// Each node runs its buildspec's commands with its variables, logging to its own file, where <see cref="INodeHost"/> puts
/// it: a bash child on this machine (the default here), or a fresh container of its own (then the nodes do not share an
/// engine, and nodes of every ARCH run at once).
/// </summary>
public sealed partial class LocalBatchRunner(ParsedBatch batch, IReadOnlyDictionary<string, ParsedNodeBuildspec> buildspecs, LocalBatchSettings settings, INodeHost? host = null)
{
    /// <summary>How long a node stopped by fast-fail has, after SIGTERM, before it is killed.</summary>
    public static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(10);

    private readonly object _gate = new();
    private readonly INodeHost _host = host ?? new ProcessNodeHost(settings.SourceRoot);

    public IReadOnlyList<NodeRun> Nodes { get; } = batch.Nodes
        .Select(n => new NodeRun(n, Path.Combine(settings.LogDirectory, n.Identifier + ".log")))
        .ToList();

    /// <summary>Called (under a lock) whenever a node changes state.</summary>
    public event Action<NodeRun>? StateChanged;

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(settings.LogDirectory);
        using var fastFail = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var slots = new EngineSlots(settings.Parallel, oneArchAtATime: _host.SharesEngine);
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
        var source = _host.SourceDirectory(run);
        // As CodeBuild runs a phase: the commands in order, in the source folder, stopping at the first that fails.
        await File.WriteAllLinesAsync(script, ["set -eo pipefail", $"cd '{source.Replace("'", "'\\''")}'", .. commands], CancellationToken.None);

        await using var log = new StreamWriter(run.LogPath) { AutoFlush = true };
        await log.WriteLineAsync($"# node {run.Identifier}: {string.Join(" && ", commands)}");
        foreach (var (name, value) in run.Node.Variables)
        {
            await log.WriteLineAsync($"# {name}={value}");
        }

        try
        {
            ProcessStartInfo start;
            try
            {
                start = await _host.PrepareAsync(run, script, NodeVariables(run, source), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            catch (Exception e) when (e is Cake.Core.CakeException or IOException)
            {
                await log.WriteLineAsync($"# could not start the node: {e.Message}");
                run.Reason = e.Message;
                return 125;
            }

            return await RunAsync(run, start, log, cancellationToken);
        }
        finally
        {
            await _host.FinishAsync(run);
        }
    }

    private async Task<int?> RunAsync(NodeRun run, ProcessStartInfo start, StreamWriter log, CancellationToken cancellationToken)
    {
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

            lock (_gate)
            {
                if (PushedDigest().Match(line) is { Success: true } match)
                {
                    var image = new PublishedImage(match.Groups["reference"].Value, match.Groups["digest"].Value);
                    if (!run.Images.Contains(image))
                    {
                        run.Images.Add(image);
                    }
                }
                else if (CacheRestored().Match(line) is { Success: true } restored)
                {
                    run.CacheRestoredFrom = restored.Groups["key"].Value;
                    run.CacheRestore = Seconds(restored);
                }
                else if (CacheSaved().Match(line) is { Success: true } saved)
                {
                    run.CacheSave = Seconds(saved);
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

        _host.Started(run, () =>
        {
            lock (_gate)
            {
                StateChanged?.Invoke(run);
            }
        });
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

    private static TimeSpan Seconds(Match match) =>
        TimeSpan.FromSeconds(double.Parse(match.Groups["seconds"].Value, NumberStyles.Float, CultureInfo.InvariantCulture));

    // What a node gets, and nothing else: the batch's variables, its own, and those CodeBuild sets in each build of a batch.
    private Dictionary<string, string> NodeVariables(NodeRun run, string source)
    {
        var environment = new Dictionary<string, string>(settings.Environment, StringComparer.Ordinal);
        foreach (var (name, value) in run.Node.Variables)
        {
            environment[name] = value;
        }

        environment[CodeBuildEnvVars.BatchBuildIdentifier] = run.Identifier;
        environment[CodeBuildEnvVars.BuildId] = $"local-batch:{Path.GetFileName(settings.LogDirectory)}-{run.Identifier}";
        environment[CodeBuildEnvVars.StartTime] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        environment[CodeBuildEnvVars.SourceDirectory] = source;
        environment["NO_COLOR"] = "1";
        return environment;
    }

    private static string? Arch(NodeRun run) => run.Node.Variables.GetValueOrDefault(CodeBuildEnvVars.Arch);

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

    // What a node container's start script says about the CodeBuild cache (Containers/NodeScript).
    [GeneratedRegex(@"^\[local-batch\] cache restored from (?<key>\S+) in (?<seconds>[0-9.]+) s")]
    private static partial Regex CacheRestored();

    [GeneratedRegex(@"^\[local-batch\] cache saved to \S+ in (?<seconds>[0-9.]+) s")]
    private static partial Regex CacheSaved();
}
