using System.Text.RegularExpressions;
using Build.Tests.Support;

namespace Build.Tests;

/// <summary>
/// build/'s top-level folders depend one way only (docs: /work/shared/notes/style.md, "Layering"): read from the sources,
/// by their <c>using Build.X</c> (and <c>using static</c>, aliases) and by <c>Build.X.</c> or namespace-relative
/// <c>X.Type</c> references in code. A cycle fails with the folders it joins and the files of the edges that close it.
/// </summary>
public class FolderLayeringTests
{
    private static readonly string BuildFolder = Path.Combine(BuildProgram.RepositoryRoot, "build");

    [Test]
    public void Should_find_no_cycle_among_build_folders()
    {
        var graph = FolderGraph.Read(BuildFolder);

        var cycles = graph.Cycles();

        Assert.That(cycles, Is.Empty, "build/'s folders must depend one way only:\n" + string.Join("\n", cycles.Select(graph.Describe)));
    }

    [Test]
    public void Should_keep_the_leaf_folders_free_of_the_folders_above_them()
    {
        var graph = FolderGraph.Read(BuildFolder);
        string[] leaves = ["Docker", "Registry", "Http", "Git", "Debian", "Aws"];

        var upward = leaves.SelectMany(leaf => graph.EdgesFrom(leaf).Where(edge => !leaves.Contains(edge.To) && edge.To != "Processes"))
            .Select(edge => $"{edge.From} → {edge.To} ({string.Join(", ", edge.Files)})")
            .ToList();

        Assert.That(upward, Is.Empty, "leaf folders import only leaves (and Processes, the process wrapper)");
    }

    [Test]
    public void Should_name_the_cycle_and_the_files_that_close_it()
    {
        using var sources = new TempFolder();
        sources.Write("Alpha/A.cs", "using Build.Beta;\nnamespace Build.Alpha;\npublic class A { }\n");
        sources.Write("Beta/B.cs", "namespace Build.Beta;\npublic class B { Gamma.C? c; }\n");
        sources.Write("Gamma/C.cs", "namespace Build.Gamma;\npublic class C { object? a = typeof(Build.Alpha.A); }\n");
        sources.Write("Gamma/D.cs", "// using Build.Beta; a comment is no import\nnamespace Build.Gamma;\npublic class D { string s = \"http://x\"; }\n");
        sources.Write("Delta/E.cs", "using static Build.Alpha.A;\nnamespace Build.Delta;\npublic class E { }\n");
        var graph = FolderGraph.Read(sources.Path);

        var cycles = graph.Cycles();

        Assert.That(cycles.Select(c => string.Join(",", c)), Is.EqualTo(new[] { "Alpha,Beta,Gamma" }));
        Assert.That(graph.Describe(cycles[0]), Is.EqualTo(
            "cycle Alpha → Beta → Gamma → Alpha, through Alpha → Beta (Alpha/A.cs), Beta → Gamma (Beta/B.cs), Gamma → Alpha (Gamma/C.cs)"));
        Assert.That(graph.EdgesFrom("Delta").Select(e => e.To), Is.EqualTo(new[] { "Alpha" }));
        Assert.That(graph.EdgesFrom("Gamma").Select(e => e.To), Is.EqualTo(new[] { "Alpha" }));
    }

    private sealed record Edge(string From, string To, IReadOnlyList<string> Files);

    private sealed class FolderGraph(IReadOnlyList<Edge> edges)
    {
        private static readonly Regex Comment = new(@"(?<![:/])//(?!/).*$", RegexOptions.Multiline);
        private static readonly Regex Import = new(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?:global::)?Build\.(?<folder>\w+)", RegexOptions.Multiline);
        private static readonly Regex Qualified = new(@"(?<![\w.])(?:global::)?Build\.(?<folder>\w+)\.");
        private static readonly Regex Declared = new(@"\b(?:class|record|struct|enum|interface)\s+(?<name>\w+)");
        private static readonly Regex Namespace = new(@"^\s*namespace\s+Build\.(?<path>[\w.]+)", RegexOptions.Multiline);

        public static FolderGraph Read(string buildFolder)
        {
            var files = Directory.EnumerateFiles(buildFolder, "*.cs", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(buildFolder, path).Replace('\\', '/'))
                .Where(path => path.Contains('/') && !path.StartsWith("bin/", StringComparison.Ordinal) && !path.StartsWith("obj/", StringComparison.Ordinal))
                .Select(path => (Path: path, Folder: path[..path.IndexOf('/')], Code: Comment.Replace(File.ReadAllText(Path.Combine(buildFolder, path)), "")))
                .ToList();
            var folders = files.Select(f => f.Folder).ToHashSet(StringComparer.Ordinal);

            // What a namespace-relative reference (Context.Arguments inside namespace Build.CodeBuild) can name: a folder's types and sub-namespaces.
            var names = files.GroupBy(f => f.Folder).ToDictionary(
                g => g.Key,
                g => g.SelectMany(f => Declared.Matches(f.Code).Select(m => m.Groups["name"].Value)
                        .Concat(Namespace.Matches(f.Code).SelectMany(m => m.Groups["path"].Value.Split('.').Skip(1))))
                    .ToHashSet(StringComparer.Ordinal));
            var relative = new Regex(@"(?<![\w.])(?<folder>" + string.Join("|", folders.Select(Regex.Escape)) + @")\.(?<name>\w+)");

            var edges = files
                .SelectMany(f => Import.Matches(f.Code).Concat(Qualified.Matches(f.Code)).Select(m => m.Groups["folder"].Value)
                    .Concat(relative.Matches(f.Code).Where(m => names[m.Groups["folder"].Value].Contains(m.Groups["name"].Value)).Select(m => m.Groups["folder"].Value))
                    .Where(to => to != f.Folder && folders.Contains(to))
                    .Distinct()
                    .Select(to => (f.Folder, To: to, f.Path)))
                .GroupBy(e => (e.Folder, e.To))
                .Select(g => new Edge(g.Key.Folder, g.Key.To, g.Select(e => e.Path).Order(StringComparer.Ordinal).ToList()))
                .OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal)
                .ToList();
            return new FolderGraph(edges);
        }

        public IEnumerable<Edge> EdgesFrom(string folder) => edges.Where(e => e.From == folder);

        /// <summary>Each group of folders that reach one another (a strongly connected component of two or more), sorted.</summary>
        public List<List<string>> Cycles()
        {
            var folders = edges.SelectMany(e => new[] { e.From, e.To }).Distinct().Order(StringComparer.Ordinal).ToList();
            var reach = folders.ToDictionary(f => f, Reachable);
            return folders
                .Select(f => folders.Where(g => reach[f].Contains(g) && reach[g].Contains(f)).ToList())
                .Where(group => group.Count > 1)
                .DistinctBy(group => string.Join(",", group))
                .ToList();
        }

        /// <summary>One cycle through the group, from its first folder, with the files of each edge on it.</summary>
        public string Describe(List<string> group)
        {
            var path = ShortestPath(group[0], group[0], group)!;
            var steps = path.Zip(path.Skip(1), (from, to) => edges.Single(e => e.From == from && e.To == to));
            var rest = group.Count > path.Count - 1 ? $"; the group also holds {string.Join(", ", group.Except(path))}" : "";
            return $"cycle {string.Join(" → ", path)}, through " +
                string.Join(", ", steps.Select(e => $"{e.From} → {e.To} ({string.Join(", ", e.Files)})")) + rest;
        }

        private HashSet<string> Reachable(string start)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var queue = new Queue<string>(EdgesFrom(start).Select(e => e.To));
            while (queue.TryDequeue(out var folder))
            {
                if (seen.Add(folder))
                {
                    foreach (var edge in EdgesFrom(folder))
                    {
                        queue.Enqueue(edge.To);
                    }
                }
            }

            return seen;
        }

        private List<string>? ShortestPath(string from, string to, List<string> within)
        {
            var previous = new Dictionary<string, string>(StringComparer.Ordinal);
            var queue = new Queue<string>([from]);
            while (queue.TryDequeue(out var folder))
            {
                foreach (var next in EdgesFrom(folder).Select(e => e.To).Where(within.Contains).Order(StringComparer.Ordinal))
                {
                    if (next == to)
                    {
                        var path = new List<string> { to, folder };
                        while (path[^1] != from)
                        {
                            path.Add(previous[path[^1]]);
                        }

                        path.Reverse();
                        return path;
                    }

                    if (next != from && previous.TryAdd(next, folder))
                    {
                        queue.Enqueue(next);
                    }
                }
            }

            return null;
        }
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("folder-layering-").FullName;

        public void Write(string relative, string text)
        {
            var file = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
            File.WriteAllText(file, text);
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
