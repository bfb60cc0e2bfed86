using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>
/// LocalBatch runs each node's buildspec commands in a shell: a buildspec edited after Buildspec wrote it would run
/// whatever it says. The program runs for real, its nodes in real bash processes, against a real registry.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class EditedBuildspecTests
{
    private TempMatrix _matrix = null!;
    private string _buildspecs = null!;
    private string _marker = null!;
    private LocalRegistry _registry = null!;

    [SetUp]
    public async Task SetUp()
    {
        _matrix = TempMatrix.TwoByTwo();
        // Buildspecs live inside the repository, where CodeBuild reads them.
        _buildspecs = Path.Combine(BuildProgram.RepositoryRoot, ".artifacts", "tests", "trust-" + Guid.NewGuid().ToString("N")[..8], "buildspecs");
        _marker = Path.Combine(_matrix.Directory, "edited-command-ran");
        _registry = await LocalRegistry.StartAsync();
        var written = BuildProgram.Run([$"--matrix={_matrix.Path}", "--target=Buildspec", $"--buildspec-dir={_buildspecs}", "--tag-suffix=t1"]);
        Assert.That(written.ExitCode, Is.EqualTo(0), written.ToString());
        foreach (var file in new[] { "build.yml", "manifest.yml" })
        {
            var path = Path.Combine(_buildspecs, file);
            var lines = File.ReadAllLines(path);
            File.WriteAllLines(path, lines.Select(l => l.TrimStart().StartsWith("- ./build.sh", StringComparison.Ordinal) ? $"    - touch '{_marker}'" : l));
        }
    }

    [TearDown]
    public void TearDown()
    {
        _registry.Dispose();
        _matrix.Dispose();
        Directory.Delete(Path.GetDirectoryName(_buildspecs)!, recursive: true);
    }

    [Test]
    public void Should_refuse_to_run_a_buildspec_that_differs_from_what_buildspec_writes()
    {
        var result = LocalBatch();

        Assert.That(File.Exists(_marker), Is.False, "LocalBatch ran the edited command");
        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("build.yml").And.Contain("differs from what Buildspec writes").And.Contain("--allow-edited-buildspec"));
    }

    [Test]
    public void Should_run_an_edited_buildspec_when_allowed()
    {
        var result = LocalBatch("--allow-edited-buildspec");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(File.Exists(_marker), Is.True, "the edited command did not run");
    }

    private BuildProgram.Result LocalBatch(params string[] arguments) => BuildProgram.Run(
        [$"--matrix={_matrix.Path}", "--target=LocalBatch", $"--buildspec={_buildspecs}/batch.yml", $"--registry={_registry.Address}", "--tag-suffix=t1", .. arguments]);
}
