using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Build.CodeBuild.Buildspecs;
using Build.Git;

namespace Build.CodeBuild.LocalBatch.Containers;

/// <summary>What a container batch shares between its nodes.</summary>
/// <param name="Image">The node image (<see cref="NodeImage"/>).</param>
/// <param name="Support">The flags that make a node privileged here.</param>
/// <param name="Network">The batch's own network.</param>
/// <param name="NamePrefix">Names of the batch's containers start with it; they carry <paramref name="Label"/>.</param>
/// <param name="WorkDirectory">Where each node's source copy and start script live while it runs.</param>
/// <param name="CacheDirectory">The emulated S3 cache: one tar per cache key.</param>
/// <param name="ReadOnlyFolders">Host folders the nodes see at the same path, read-only (a --matrix outside the checkout, the SDK installer's folder).</param>
/// <param name="Relay">The loopback registry the nodes reach as REGISTRY says, and the relay that carries it.</param>
public sealed record ContainerBatchSettings(
    string Image, ContainerSupport Support, string Network, string NamePrefix, string Label, string SourceRoot, string WorkDirectory,
    string CacheDirectory, IReadOnlyList<string> ReadOnlyFolders, (IPEndPoint Loopback, IPEndPoint Relay)? Relay, GitRunner Git);

/// <summary>
/// Runs each node in its own fresh container from the node image, as CodeBuild runs a privileged build: its own dockerd on
/// an empty volume at /var/lib/docker, a fresh copy of the source at a CodeBuild-like path, only the variables CodeBuild
/// would give it, this machine's CA bundle (read-only: the package feeds are reached over TLS through it), and the
/// batch's network. The container and its volume are removed when the node ends.
/// </summary>
public sealed class ContainerNodeHost(ContainerBatchSettings settings, IReadOnlyDictionary<string, ParsedNodeBuildspec> buildspecs) : INodeHost
{
    private readonly ConcurrentDictionary<string, string> _sourceDirectories = new(StringComparer.Ordinal);

    public bool SharesEngine => false;

    public string SourceDirectory(NodeRun run) => _sourceDirectories.GetOrAdd(run.Identifier, _ =>
        $"/codebuild/output/src{Random.Shared.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture)}/src/{Path.GetFileName(settings.SourceRoot)}");

    private string NodeDirectory(NodeRun run) => Path.Combine(settings.WorkDirectory, run.Identifier);

    private string ContainerName(NodeRun run) => $"{settings.NamePrefix}-{run.Identifier.ToLowerInvariant()}";

    public async Task<ProcessStartInfo> PrepareAsync(NodeRun run, string phasesScript, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken)
    {
        var directory = NodeDirectory(run);
        var source = Path.Combine(directory, "src");
        var scripts = Path.Combine(directory, "scripts");
        Directory.CreateDirectory(scripts);
        await SourceCopy.MakeAsync(settings.Git, settings.SourceRoot, source, cancellationToken);
        File.Copy(phasesScript, Path.Combine(scripts, "phases.sh"), overwrite: true);
        var cache = run.Node.Buildspec is { } file && buildspecs.TryGetValue(file, out var parsed) ? parsed.Buildspec.Cache : null;
        await File.WriteAllTextAsync(Path.Combine(scripts, "node.sh"), NodeScript.Render(run.Identifier, cache, settings.Support.RemountCgroups, settings.Relay), cancellationToken);
        Directory.CreateDirectory(settings.CacheDirectory);

        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        List<string> arguments =
        [
            "run", "--name", ContainerName(run), "--label", settings.Label, "--cidfile", Path.Combine(directory, "cid"),
            "--network", settings.Network, .. settings.Support.PrivilegeFlags,
            "--volume", "/var/lib/docker",
            "--volume", "/etc/ssl/certs:/etc/ssl/certs:ro",
            "--volume", $"{source}:{SourceDirectory(run)}",
            "--volume", $"{scripts}:{NodeScript.Folder}:ro",
            "--volume", $"{settings.CacheDirectory}:{NodeScript.CacheFolder}",
            .. settings.ReadOnlyFolders.SelectMany(f => new[] { "--volume", $"{f}:{f}:ro" }),
        ];

        // Values reach docker through its environment, never its command line (a registry password may be among them).
        foreach (var (name, value) in variables)
        {
            arguments.AddRange(["--env", name]);
            start.Environment[name] = value;
        }

        arguments.AddRange([settings.Image, "bash", $"{NodeScript.Folder}/node.sh"]);
        arguments.ForEach(start.ArgumentList.Add);
        return start;
    }

    public void Started(NodeRun run, Action changed) => _ = Task.Run(async () =>
    {
        var cidFile = Path.Combine(NodeDirectory(run), "cid");
        for (var i = 0; i < 600 && run.ContainerId is null; i++)
        {
            if (File.Exists(cidFile) && (await File.ReadAllTextAsync(cidFile)).Trim() is { Length: > 0 } id)
            {
                run.ContainerId = id;
                changed();
                return;
            }

            await Task.Delay(100);
        }
    });

    public async Task FinishAsync(NodeRun run)
    {
        if (run.ContainerId is null && File.Exists(Path.Combine(NodeDirectory(run), "cid")))
        {
            run.ContainerId = (await File.ReadAllTextAsync(Path.Combine(NodeDirectory(run), "cid"))).Trim();
        }

        // Stops a node killed by fast-fail (killing the docker client leaves its container running), and removes its volume.
        await DockerCli.RunAsync("rm", "--force", "--volumes", ContainerName(run));
        if (Directory.Exists(NodeDirectory(run)))
        {
            Directory.Delete(NodeDirectory(run), recursive: true);
        }
    }
}
