using System.Diagnostics;

namespace Build.CodeBuild.LocalBatch;

/// <summary>Where a node of a local batch runs: a child process on this machine, or a fresh container.</summary>
public interface INodeHost
{
    /// <summary>True when nodes share this machine's Docker engine (then only nodes of one ARCH run at a time).</summary>
    bool SharesEngine { get; }

    /// <summary>The node's source folder as the node sees it (CODEBUILD_SRC_DIR).</summary>
    string SourceDirectory(NodeRun run);

    /// <summary>What to start for the node: it runs <paramref name="phasesScript"/> with exactly <paramref name="variables"/>.</summary>
    Task<ProcessStartInfo> PrepareAsync(NodeRun run, string phasesScript, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken);

    /// <summary>Called once the process started; <paramref name="changed"/> reports what it learns later (the container id).</summary>
    void Started(NodeRun run, Action changed);

    /// <summary>After the process ended or was killed: stops and removes what the node had, but not its log.</summary>
    Task FinishAsync(NodeRun run);
}

/// <summary>Today's mode: each node a bash child in the repository, on this machine's SDK, tools, caches and engine.</summary>
public sealed class ProcessNodeHost(string sourceRoot) : INodeHost
{
    public bool SharesEngine => true;

    public string SourceDirectory(NodeRun run) => sourceRoot;

    public Task<ProcessStartInfo> PrepareAsync(NodeRun run, string phasesScript, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken)
    {
        // In a process group of its own (setsid), so that fast-fail's SIGTERM reaches the node's every process at once.
        var start = new ProcessStartInfo(Setsid ?? "bash", Setsid is null ? [phasesScript] : ["bash", phasesScript])
        {
            WorkingDirectory = sourceRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Nothing of this machine's node variables leaks in: each node has only its own ARCH, VERSION and CODEBUILD_*.
        foreach (var name in start.Environment.Keys.Where(k => k is CodeBuildEnvVars.Arch or CodeBuildEnvVars.Version || k.StartsWith("CODEBUILD_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }

        return Task.FromResult(start);
    }

    public void Started(NodeRun run, Action changed)
    {
    }

    public Task FinishAsync(NodeRun run) => Task.CompletedTask;

    private static readonly string? Setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);
}
