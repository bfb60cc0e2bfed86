using System.Globalization;
using System.Runtime.InteropServices;

namespace Build.Processes;

/// <summary>
/// Signals a process and everything it started, as .NET's Kill(entireProcessTree) does, but with any signal: SIGTERM
/// first lets a build clean up (its private DOCKER_CONFIG) before SIGKILL. Linux: descendants are read from /proc.
/// A process that leads its own process group (a LocalBatch node, started with setsid) is signalled as a group, which
/// also reaches a child it forks while the tree is being read.
/// </summary>
public static class ProcessTree
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="root"/> (unless <paramref name="includeRoot"/> is false) and its descendants.</summary>
    public static void Signal(int root, int signal, bool includeRoot = true)
    {
        // Snapshot first: a process that exits on the signal re-parents its children before they are found.
        var targets = Descendants(root);
        if (includeRoot)
        {
            targets.Insert(0, root);
        }

        foreach (var pid in targets)
        {
            _ = Kill(IsGroupLeader(pid) ? -pid : pid, signal);
        }
    }

    /// <summary>Every process whose parent chain reaches <paramref name="root"/>, parents before children.</summary>
    public static List<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || Stat(directory) is not { } stat)
            {
                continue;
            }

            var parent = stat.Parent;

            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(pid);
        }

        var result = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var pid))
        {
            foreach (var child in children.GetValueOrDefault(pid) ?? [])
            {
                result.Add(child);
                queue.Enqueue(child);
            }
        }

        return result;
    }

    private static bool IsGroupLeader(int pid) => Stat($"/proc/{pid}") is { } stat && stat.Group == pid;

    // /proc/<pid>/stat: "pid (comm) state ppid pgrp ...", where comm may hold spaces and parentheses.
    private static (int Parent, int Group)? Stat(string directory)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(directory, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent)
                && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var group)
                ? (parent, group)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return null; // Gone meanwhile, or not ours to read.
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
