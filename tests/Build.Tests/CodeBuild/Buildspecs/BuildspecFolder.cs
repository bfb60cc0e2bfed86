using Build.CodeBuild;
using Build.CodeBuild.Buildspecs;
using Build.Images;

namespace Build.Tests.CodeBuild.Buildspecs;

/// <summary>
/// A folder of batch buildspecs for a matrix, written in process as the Buildspec task writes them and checked as the
/// CheckBuildspec task checks them (the same calls, in the same order), with the edits and reads the tests make.
/// </summary>
/// <param name="root">The source root that buildspec paths are relative to (the repository root for the program).</param>
/// <param name="directory">The buildspec folder, as --buildspec-dir names it.</param>
/// <param name="matrixPath">The matrix file.</param>
public sealed class BuildspecFolder(string root, string directory, string matrixPath)
{
    public string BatchFile => Path.Combine(Paths.Resolve(directory), BuildspecFiles.Batch);

    private SourcePaths Paths { get; } = new(root);

    /// <summary>What the batch options hold after `--buildspec-dir=directory` and the layout's arguments.</summary>
    public BatchOptions Options(BuildspecLayout? layout = null) =>
        new(directory, layout ?? new BuildspecLayout(), $"{directory}/{BuildspecFiles.Batch}", Parallel: 1, CodeBuildProject: null, PollInterval: TimeSpan.FromSeconds(5));

    /// <summary>Writes the files as Buildspec does.</summary>
    public void Write(BuildspecLayout? layout = null)
    {
        var folder = Paths.Resolve(directory);
        Directory.CreateDirectory(folder);
        foreach (var file in BuildspecSet.Expected(MatrixLoader.Load(matrixPath), Options(layout), Paths))
        {
            File.WriteAllText(Path.Combine(folder, file.Name), file.Content);
        }
    }

    /// <summary>Every problem CheckBuildspec reports, as it prints them (it fails when there is one).</summary>
    public IReadOnlyList<string> Check(BuildspecLayout? layout = null)
    {
        var options = Options(layout);
        var matrix = MatrixLoader.Load(matrixPath);
        var (_, problems) = BuildspecSet.Check(matrix, options, Paths);
        return problems.Distinct().Select(p => p.ToString()).ToList();
    }

    /// <summary>Replaces the first <paramref name="from"/> in the batch file.</summary>
    public void Edit(string from, string to)
    {
        var text = File.ReadAllText(BatchFile);
        Assert.That(text, Does.Contain(from), "the test's edit no longer matches the generated file");
        var index = text.IndexOf(from, StringComparison.Ordinal);
        File.WriteAllText(BatchFile, text[..index] + to + text[(index + from.Length)..]);
    }

    public int LineOf(string text) =>
        Array.FindIndex(File.ReadAllLines(BatchFile), l => l.Contains(text, StringComparison.Ordinal)) + 1;

    public string[] Identifiers() =>
        File.ReadAllLines(BatchFile).Where(l => l.TrimStart().StartsWith("- identifier: ", StringComparison.Ordinal)).Select(l => l.Split(": ")[1]).ToArray();
}
