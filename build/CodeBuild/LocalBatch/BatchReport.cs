using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Build.CodeBuild.LocalBatch;

/// <summary>
/// The final table (node, status, duration, image digests), as plain aligned text so that full digests stay on one
/// greppable line in CI logs, and summary.json beside the node logs for tools.
/// </summary>
public static class BatchReport
{
    public static string Table(IReadOnlyList<NodeRun> nodes)
    {
        var rows = new List<string[]>();
        foreach (var node in nodes)
        {
            var status = NodeRun.StatusName(node.State) + (node.Reason is null ? string.Empty : $" ({node.Reason})");
            var duration = node.Started is null ? "-" : Format(node.Elapsed(node.Ended ?? DateTimeOffset.UtcNow));
            var images = node.Images.Count == 0 ? ["-"] : node.Images.Select(i => $"{i.Reference} {i.Digest}").ToList();
            rows.Add([node.Identifier, status, duration, node.ShortContainerId, node.CacheTimes(), images[0]]);
            rows.AddRange(images.Skip(1).Select(i => new[] { string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, i }));
        }

        string[] header = ["Node", "Status", "Duration", "Container", "Cache", "Images"];
        var widths = Enumerable.Range(0, 5).Select(c => rows.Select(r => r[c].Length).Append(header[c].Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells) => text.AppendLine(string.Join("  ", cells.Select((c, i) => i < 5 ? c.PadRight(widths[i]) : c)).TrimEnd());
        Line(header);
        Line([.. widths.Select(w => new string('-', w)), new string('-', 71)]);
        rows.ForEach(Line);
        return text.ToString();
    }

    public static void WriteJson(string path, IReadOnlyList<NodeRun> nodes)
    {
        var summary = nodes.Select(n => new
        {
            identifier = n.Identifier,
            status = NodeRun.StatusName(n.State),
            reason = n.Reason,
            started = n.Started,
            ended = n.Ended,
            exitCode = n.ExitCode,
            log = n.LogPath,
            containerId = n.ContainerId,
            cacheRestoredFrom = n.CacheRestoredFrom,
            cacheRestoreSeconds = n.CacheRestore?.TotalSeconds,
            cacheSaveSeconds = n.CacheSave?.TotalSeconds,
            images = n.Images.Select(i => new { reference = i.Reference, digest = i.Digest }),
        });
        File.WriteAllText(path, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
    }

    public static string Format(TimeSpan elapsed) =>
        elapsed.ToString(elapsed.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);
}
