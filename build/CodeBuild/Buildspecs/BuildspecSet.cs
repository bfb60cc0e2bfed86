using Build.Images;

namespace Build.CodeBuild.Buildspecs;

/// <summary>
/// Paths as CodeBuild sees them: relative to the source root (the repository root here), with '/' separators.
/// A path outside the repository stays absolute (tests write buildspecs to a temporary folder).
/// </summary>
public sealed class SourcePaths(string root)
{
    public string Root { get; } = root;

    public string Display(string path)
    {
        var full = Path.GetFullPath(path, Root);
        var relative = Path.GetRelativePath(Root, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative.Replace('\\', '/');
    }

    public string Resolve(string path) => Path.GetFullPath(path, Root);
}

/// <summary>The buildspec files of a batch: what Buildspec writes for the matrix, and how CheckBuildspec and LocalBatch read them.</summary>
public static class BuildspecSet
{
    public static IReadOnlyList<GeneratedFile> Expected(ImageMatrix matrix, BatchOptions options, SourcePaths paths)
    {
        var matrixArgument = paths.Display(matrix.FilePath);
        return BuildspecGenerator.Generate(
            matrix,
            options.Layout,
            paths.Display(options.BuildspecDirectory),
            matrixArgument == BatchCommandLine.DefaultMatrix ? null : matrixArgument);
    }

    public static string RegenerateCommand(ImageMatrix matrix, BatchOptions options, SourcePaths paths)
    {
        var matrixArgument = paths.Display(matrix.FilePath);
        var arguments = new List<string> { $"./build.sh --target={BatchCommandLine.BuildspecTarget}" };
        arguments.AddRange(options.Layout.Arguments());
        if (matrixArgument != BatchCommandLine.DefaultMatrix)
        {
            arguments.Add($"--{BatchCommandLine.MatrixArgument}={matrixArgument}");
        }

        if (paths.Display(options.BuildspecDirectory) != BatchCommandLine.DefaultBuildspecDirectory)
        {
            arguments.Add($"--{BatchCommandLine.BuildspecDirectoryArgument}={paths.Display(options.BuildspecDirectory)}");
        }

        return string.Join(' ', arguments);
    }

    /// <summary>The batch buildspec and every node buildspec it references (read once each).</summary>
    public static (ParsedBatch Batch, IReadOnlyDictionary<string, ParsedNodeBuildspec> Nodes) Read(string batchPath, SourcePaths paths)
    {
        var batch = BuildspecReader.ReadBatch(paths.Resolve(batchPath), paths.Display(batchPath));
        var nodes = batch.Nodes
            .Select(n => n.Buildspec)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(b => b, b => BuildspecReader.ReadNode(paths.Resolve(b), paths.Display(b)), StringComparer.Ordinal);
        return (batch, nodes);
    }

    /// <summary>Everything wrong in the batch and its node buildspecs, before any comparison with the matrix.</summary>
    public static List<BuildspecProblem> Problems(ParsedBatch batch, IReadOnlyDictionary<string, ParsedNodeBuildspec> nodes) =>
        batch.Problems.Concat(BuildspecChecker.CheckGraph(batch)).Concat(BuildspecChecker.CheckNodeBuildspecs(batch, nodes)).ToList();

    /// <summary>
    /// What CheckBuildspec checks: the batch and node buildspecs' own rules, then (when the batch file
    /// is YAML; one that is not has no graph to compare, its one problem says all) the nodes against the matrix, the
    /// cache entries, and that the files are what Buildspec writes.
    /// </summary>
    public static (ParsedBatch Batch, IReadOnlyList<BuildspecProblem> Problems) Check(ImageMatrix matrix, BatchOptions options, SourcePaths paths)
    {
        var (batch, nodes) = Read(options.BatchBuildspec, paths);
        var problems = Problems(batch, nodes);
        if (batch.Readable)
        {
            problems.AddRange(BuildspecChecker.CheckAgainstMatrix(batch, nodes, matrix));
            problems.AddRange(BuildspecChecker.CheckCaches(nodes));
            problems.AddRange(BuildspecChecker.CheckGenerated(
                paths.Resolve(options.BuildspecDirectory),
                paths.Display(options.BuildspecDirectory),
                Expected(matrix, options, paths),
                RegenerateCommand(matrix, options, paths)));
        }

        return (batch, problems);
    }
}
