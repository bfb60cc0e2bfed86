using Build.Images;

namespace Build.CodeBuild.Buildspecs;

/// <summary>
/// What CheckBuildspec checks: the graph itself (identifiers, depend-on, cycles), the node buildspecs it references,
/// the graph against the matrix (every image and version has a node; no node names what the matrix lacks), and the
/// committed files against what Buildspec writes.
/// </summary>
public static class BuildspecChecker
{
    /// <summary>Duplicate identifiers, depend-on naming a missing node, and cycles.</summary>
    public static IEnumerable<BuildspecProblem> CheckGraph(ParsedBatch batch)
    {
        var byId = new Dictionary<string, BuildGraphNode>(StringComparer.Ordinal);
        foreach (var node in batch.Nodes.Where(n => n.Identifier.Length > 0))
        {
            if (!byId.TryAdd(node.Identifier, node))
            {
                yield return new(batch.File, node.Line, node.Identifier, $"the identifier is used twice (first at line {byId[node.Identifier].Line}); identifiers must be unique");
            }
        }

        foreach (var node in batch.Nodes)
        {
            foreach (var dependency in node.Dependencies.Where(d => !byId.ContainsKey(d)))
            {
                yield return new(batch.File, node.Line, node.Identifier,
                    $"depend-on names '{dependency}', which is not a node of the graph; nodes are {string.Join(", ", byId.Keys)}");
            }
        }

        foreach (var cycle in FindCycles(batch.Nodes, byId))
        {
            var first = byId[cycle[0]];
            yield return new(batch.File, first.Line, first.Identifier,
                $"depend-on makes a cycle, so none of these nodes can start: {string.Join(" → ", cycle.Append(cycle[0]))}");
        }
    }

    /// <summary>The node buildspecs: each referenced file exists and runs ./build.sh with a target.</summary>
    public static IEnumerable<BuildspecProblem> CheckNodeBuildspecs(ParsedBatch batch, IReadOnlyDictionary<string, ParsedNodeBuildspec> buildspecs)
    {
        foreach (var node in batch.Nodes.Where(n => n.Buildspec is not null))
        {
            var buildspec = buildspecs[node.Buildspec!];
            if (buildspec.Problems.Any(p => p.Line == 0))
            {
                yield return new(batch.File, node.Line, node.Identifier, $"its buildspec '{node.Buildspec}' does not exist; run Buildspec to write it, or fix the path (relative to the source root)");
            }
        }

        foreach (var problem in buildspecs.Values.SelectMany(b => b.Problems).Where(p => p.Line > 0))
        {
            yield return problem;
        }
    }

    /// <summary>Every node buildspec that exists declares the node cache (CheckBuildspec's rule for the generated files; LocalBatch runs any buildspec).</summary>
    public static IEnumerable<BuildspecProblem> CheckCaches(IReadOnlyDictionary<string, ParsedNodeBuildspec> buildspecs) =>
        buildspecs.Values.Where(b => !b.Problems.Any(p => p.Line == 0)).SelectMany(CheckCache);

    /// <summary>
    /// The node's cache declares every path of <see cref="NodeCache"/>, under a key per CPU: without them each node of
    /// the next batch installs the SDK, restores packages and compiles the program again; without the CPU in the key,
    /// amd64 and arm64 nodes would restore each other's SDK.
    /// </summary>
    public static IEnumerable<BuildspecProblem> CheckCache(ParsedNodeBuildspec buildspec)
    {
        const string why = "so that a node of the next batch with unchanged build sources starts without installing the SDK, restoring or compiling (regenerate with Buildspec)";
        if (buildspec.Buildspec.Cache is not { } cache)
        {
            yield return new(buildspec.File, 1, null, $"declares no 'cache:'; it needs 'cache: paths:' {string.Join(", ", NodeCache.Paths)} {why}");
            yield break;
        }

        var missing = NodeCache.Paths.Where(p => !cache.Paths.Contains(p, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            yield return new(buildspec.File, cache.Line, null, $"'cache: paths:' lacks {string.Join(", ", missing)} {why}");
        }

        if (cache.Key is null || !cache.Key.StartsWith(NodeCache.KeyPrefix, StringComparison.Ordinal))
        {
            yield return new(buildspec.File, cache.Line, null,
                $"'cache: key:' must start with '{NodeCache.KeyPrefix}' (one cache per CPU: amd64 and arm64 nodes share the project's S3 cache) {why}");
        }
    }

    /// <summary>Every (version, arch) of the matrix has a build node and every version a manifest node; every node's variables name the matrix.</summary>
    public static IEnumerable<BuildspecProblem> CheckAgainstMatrix(ParsedBatch batch, IReadOnlyDictionary<string, ParsedNodeBuildspec> buildspecs, ImageMatrix matrix)
    {
        var buildNodes = new List<BuildGraphNode>();
        var manifestNodes = new List<BuildGraphNode>();
        foreach (var node in batch.Nodes)
        {
            var target = node.Buildspec is not null && buildspecs.TryGetValue(node.Buildspec, out var parsed) ? TargetOf(parsed.Buildspec) : null;
            (target == BatchCommandLine.ManifestTarget ? manifestNodes : target == BatchCommandLine.BuildTarget ? buildNodes : null)?.Add(node);

            node.Variables.TryGetValue(CodeBuildEnvVars.Version, out var version);
            node.Variables.TryGetValue(CodeBuildEnvVars.Arch, out var arch);
            var entry = version is null ? null : matrix.Find(version);
            if (version is not null && entry is null)
            {
                yield return new(batch.File, node.Line, node.Identifier, $"{CodeBuildEnvVars.Version}={version} names no entry of the matrix {matrix.FilePath}, which lists {matrix.KnownVersions}");
            }

            if (arch is not null)
            {
                var architectures = (entry is null ? matrix.Images : [entry]).SelectMany(e => e.Architectures).Distinct().ToList();
                if (!architectures.Any(a => a.Name == arch))
                {
                    yield return new(batch.File, node.Line, node.Identifier,
                        $"{CodeBuildEnvVars.Arch}={arch} is not built {(entry is null ? "for any version" : $"for {entry.Version}")} in the matrix {matrix.FilePath}, which lists {string.Join(", ", architectures)}");
                }
            }
        }

        foreach (var entry in matrix.Images)
        {
            foreach (var architecture in entry.Architectures.Where(a => !buildNodes.Any(n => Covers(n, entry.Version, a.Name))))
            {
                yield return new(batch.File, batch.GraphLine, null,
                    $"the matrix entry {entry.Version}/{architecture} has no build node (a node running --target={BatchCommandLine.BuildTarget} with {CodeBuildEnvVars.Arch}={architecture} and {CodeBuildEnvVars.Version}={entry.Version}): regenerate with Buildspec");
            }

            if (!manifestNodes.Any(n => Covers(n, entry.Version, null)))
            {
                yield return new(batch.File, batch.GraphLine, null,
                    $"the matrix entry {entry.Version} has no manifest node (a node running --target={BatchCommandLine.ManifestTarget} with {CodeBuildEnvVars.Version}={entry.Version} or no {CodeBuildEnvVars.Version}): regenerate with Buildspec");
            }
        }

        // A manifest node that can start before its version's images are pushed fails, or publishes an older image.
        var byId = batch.Nodes.GroupBy(n => n.Identifier).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var manifest in manifestNodes)
        {
            var ancestors = Ancestors(manifest, byId);
            var unordered = buildNodes.Where(b => !ancestors.Contains(b.Identifier) && matrix.Images.Any(e => Covers(manifest, e.Version, null) && e.Architectures.Any(a => Covers(b, e.Version, a.Name)))).ToList();
            if (unordered.Count > 0)
            {
                yield return new(batch.File, manifest.Line, manifest.Identifier,
                    $"the manifest node does not depend on {string.Join(", ", unordered.Select(n => n.Identifier))}, which build(s) its images: add them to depend-on");
            }
        }
    }

    /// <summary>Each file Buildspec would write is committed with exactly that text.</summary>
    public static IEnumerable<BuildspecProblem> CheckGenerated(string directory, string displayDirectory, IReadOnlyList<GeneratedFile> expected, string regenerate)
    {
        foreach (var file in expected)
        {
            var display = $"{displayDirectory}/{file.Name}";
            var path = Path.Combine(directory, file.Name);
            if (!File.Exists(path))
            {
                yield return new(display, 0, null, $"is missing: run `{regenerate}` and commit it");
                continue;
            }

            if (Difference(display, File.ReadAllText(path), file.Content) is { } difference)
            {
                yield return difference with { Message = $"{difference.Message}: run `{regenerate}` and commit the result" };
            }
        }
    }

    /// <summary>
    /// What LocalBatch would run against what Buildspec writes: the batch file and each node buildspec it references
    /// must be exactly the generated text (the files of <paramref name="expected"/>, in the batch file's folder).
    /// </summary>
    public static IEnumerable<BuildspecProblem> CheckRunnable(ParsedBatch batch, string batchPath, SourcePaths paths, string displayDirectory, IReadOnlyList<GeneratedFile> expected)
    {
        var byDisplay = expected.ToDictionary(f => $"{displayDirectory}/{f.Name}", StringComparer.Ordinal);
        if (Difference(batch.File, File.ReadAllText(batchPath), expected.Single(f => f.Name == BuildspecFiles.Batch).Content) is { } batchDifference)
        {
            yield return batchDifference;
        }

        foreach (var file in batch.Nodes.Select(n => n.Buildspec).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var display = paths.Display(file);
            if (!byDisplay.TryGetValue(display, out var generated))
            {
                yield return new(batch.File, 0, null, $"names the buildspec {display}, which Buildspec does not write (it writes {string.Join(", ", byDisplay.Keys)})");
            }
            else if (Difference(display, File.ReadAllText(paths.Resolve(file)), generated.Content) is { } difference)
            {
                yield return difference;
            }
        }
    }

    private static BuildspecProblem? Difference(string display, string actualText, string wantedText)
    {
        var actual = actualText.ReplaceLineEndings("\n").Split('\n');
        var wanted = wantedText.Split('\n');
        var line = Enumerable.Range(0, Math.Max(actual.Length, wanted.Length))
            .FirstOrDefault(i => i >= actual.Length || i >= wanted.Length || actual[i] != wanted[i], -1);
        if (line < 0)
        {
            return null;
        }

        var expectedText = line < wanted.Length ? wanted[line].Trim() : "(end of file)";
        return new(display, line + 1, null, $"differs from what Buildspec writes for the matrix (expected '{expectedText}')");
    }

    /// <summary>The --target of the node's ./build.sh command, or null.</summary>
    public static string? TargetOf(NodeBuildspec buildspec) =>
        buildspec.Commands
            .SelectMany(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(a => a.StartsWith("--target=", StringComparison.Ordinal))?["--target=".Length..];

    /// <summary>Whether a node builds (or publishes) this version and arch: a variable it leaves unset covers every value.</summary>
    public static bool Covers(BuildGraphNode node, string version, string? arch) =>
        (!node.Variables.TryGetValue(CodeBuildEnvVars.Version, out var v) || v == version) &&
        (arch is null || !node.Variables.TryGetValue(CodeBuildEnvVars.Arch, out var a) || a == arch);

    private static HashSet<string> Ancestors(BuildGraphNode node, IReadOnlyDictionary<string, BuildGraphNode> byId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(node.Dependencies);
        while (stack.TryPop(out var id))
        {
            if (seen.Add(id) && byId.TryGetValue(id, out var parent))
            {
                foreach (var d in parent.Dependencies)
                {
                    stack.Push(d);
                }
            }
        }

        return seen;
    }

    private static List<List<string>> FindCycles(IReadOnlyList<BuildGraphNode> nodes, Dictionary<string, BuildGraphNode> byId)
    {
        // Depth-first search: a dependency still on the path closes a cycle. Each cycle is reported once.
        var cycles = new List<List<string>>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the path, 2 done
        var path = new List<string>();

        void Visit(string id)
        {
            state[id] = 1;
            path.Add(id);
            foreach (var dependency in byId[id].Dependencies.Where(byId.ContainsKey))
            {
                if (state.GetValueOrDefault(dependency) == 1)
                {
                    cycles.Add(path[path.IndexOf(dependency)..]);
                }
                else if (state.GetValueOrDefault(dependency) == 0)
                {
                    Visit(dependency);
                }
            }

            path.RemoveAt(path.Count - 1);
            state[id] = 2;
        }

        foreach (var node in nodes.Where(n => byId.ContainsKey(n.Identifier) && state.GetValueOrDefault(n.Identifier) == 0))
        {
            Visit(node.Identifier);
        }

        return cycles;
    }
}
