using System.Text.RegularExpressions;

namespace Build.Tests.Support;

/// <summary>
/// What a container batch could leave behind on this machine: the engine's containers, images, volumes and networks, the
/// host's bridges and its iptables rules (counters dropped). The engine is shared with other users, whose objects come and
/// go at any time: <see cref="Leaks"/> names what differs, and which differences can only be the batch's.
/// </summary>
public sealed partial record HostState(
    IReadOnlySet<string> Containers, IReadOnlySet<string> Images, IReadOnlySet<string> Volumes, IReadOnlySet<string> Networks,
    IReadOnlySet<string> Bridges, IReadOnlyList<string> Iptables)
{
    public static HostState Capture() => new(
        Lines(Shell.Run("docker", "ps", "--all", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.Image}} {{.Labels}}")),
        Lines(Shell.Run("docker", "images", "--all", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}")),
        Lines(Shell.Run("docker", "volume", "ls", "--format", "{{.Name}}")),
        Lines(Shell.Run("docker", "network", "ls", "--no-trunc", "--format", "{{.ID}} {{.Name}}")),
        Lines(Shell.Run("ip", "-brief", "link", "show", "type", "bridge")).Select(l => l.Split(' ')[0]).ToHashSet(),
        Shell.Run("iptables-save").Split('\n').Where(l => !l.StartsWith('#') && l.Length > 0).Select(l => Counters().Replace(l, string.Empty)).ToList());

    /// <summary>
    /// The differences from <paramref name="before"/> that are leaks of a batch: any new network, bridge or iptables rule
    /// (docker makes those only for a network, and the batch's is its only one), any new container or volume that is the
    /// batch's (named or labelled so, from the node image, or an anonymous volume no container uses), any new image but the
    /// node image the batch keeps.
    /// </summary>
    public IReadOnlyList<string> Leaks(HostState before, string prefix, string label, string nodeImage)
    {
        var leaks = new List<string>();
        leaks.AddRange(Networks.Except(before.Networks).Select(n => $"network {n}"));
        leaks.AddRange(before.Networks.Except(Networks).Select(n => $"network removed: {n}"));
        leaks.AddRange(Bridges.Except(before.Bridges).Select(b => $"bridge {b}"));
        leaks.AddRange(before.Bridges.Except(Bridges).Select(b => $"bridge removed: {b}"));
        leaks.AddRange(Iptables.Except(before.Iptables).Select(r => $"iptables rule {r}"));
        leaks.AddRange(before.Iptables.Except(Iptables).Select(r => $"iptables rule removed: {r}"));
        leaks.AddRange(Containers.Except(before.Containers).Where(c => c.Contains(prefix, StringComparison.Ordinal) || c.Contains(label, StringComparison.Ordinal) || c.Contains(nodeImage, StringComparison.Ordinal)).Select(c => $"container {c}"));
        leaks.AddRange(Volumes.Except(before.Volumes).Where(v => Shell.Run("docker", "ps", "--all", "--quiet", "--filter", $"volume={v}").Trim().Length == 0).Select(v => $"unused volume {v}"));
        leaks.AddRange(Images.Except(before.Images).Where(i => i.Contains(prefix, StringComparison.Ordinal) && !i.EndsWith(nodeImage, StringComparison.Ordinal)).Select(i => $"image {i}"));
        return leaks;
    }

    private static HashSet<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\s*\[\d+:\d+\]")]
    private static partial Regex Counters();
}
