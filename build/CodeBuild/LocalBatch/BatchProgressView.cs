using Spectre.Console;

namespace Build.CodeBuild.LocalBatch;

/// <summary>
/// The live view of a running batch: a Spectre.Console table of each node's state and elapsed time, redrawn in place
/// on a terminal. Without one (CI, redirected output) it writes one plain line per state change instead.
/// </summary>
public sealed class BatchProgressView(IAnsiConsole console, Action<string> writeLine)
{
    public async Task ShowAsync(IReadOnlyList<NodeRun> nodes, Func<Action<NodeRun>, Task> run)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            await run(node => writeLine(Line(node)));
            return;
        }

        await console.Live(Render(nodes)).AutoClear(false).StartAsync(async live =>
        {
            var work = run(_ => { });
            while (!work.IsCompleted)
            {
                live.UpdateTarget(Render(nodes));
                await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(500)));
            }

            live.UpdateTarget(Render(nodes));
            await work;
        });
    }

    private static string Line(NodeRun node) =>
        $"[{DateTime.UtcNow:HH:mm:ss}] {node.Identifier} {NodeRun.StatusName(node.State)}" +
        (node.IsDone && node.Started is not null ? $" after {BatchReport.Format(node.Elapsed(node.Ended ?? DateTimeOffset.UtcNow))}" : string.Empty) +
        (node.Reason is null ? string.Empty : $" ({node.Reason})") +
        (node.ContainerId is null ? string.Empty : $", container {node.ShortContainerId}") +
        (node.IsDone && node.CacheTimes() != "-" ? $", cache {node.CacheTimes()}" : string.Empty) +
        (node.State == NodeState.InProgress ? $", log {node.LogPath}" : string.Empty);

    private static Table Render(IReadOnlyList<NodeRun> nodes)
    {
        var table = new Table().AddColumns("Node", "Status", "Elapsed", "Container", "Cache", "Depends on");
        var now = DateTimeOffset.UtcNow;
        foreach (var node in nodes)
        {
            var color = node.State switch
            {
                NodeState.Succeeded => "green",
                NodeState.Failed => "red",
                NodeState.InProgress => "yellow",
                NodeState.Skipped or NodeState.Stopped => "grey",
                _ => "default",
            };
            table.AddRow(
                Markup.Escape(node.Identifier),
                $"[{color}]{NodeRun.StatusName(node.State)}[/]",
                node.Started is null ? "-" : BatchReport.Format(node.Elapsed(now)),
                node.ShortContainerId,
                node.CacheTimes(),
                Markup.Escape(string.Join(", ", node.Node.Dependencies)));
        }

        return table;
    }
}
