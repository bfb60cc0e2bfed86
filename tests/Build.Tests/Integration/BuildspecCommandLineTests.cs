using Build.Tests.CodeBuild.Buildspecs;
using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>
/// Buildspec, CheckBuildspec and the batch tasks as a user runs them: the files written, the check's exit code and
/// message. Each rule of the check is tested in process (CodeBuild/Buildspecs/BuildspecCheckerTests).
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class BuildspecCommandLineTests
{
    private TempMatrix _matrix = null!;
    private FakeDocker _docker = null!;
    private string _buildspecs = null!;
    private BuildspecFolder _folder = null!;

    private string BatchFile => _folder.BatchFile;

    [SetUp]
    public void SetUp()
    {
        _matrix = TempMatrix.TwoByTwo();
        _docker = new FakeDocker();
        // Inside the repository, where CodeBuild reads buildspecs (Buildspec refuses a folder outside it).
        _buildspecs = Path.Combine(BuildProgram.RepositoryRoot, ".artifacts", "tests", "buildspecs-" + Guid.NewGuid().ToString("N")[..8]);
        _folder = new BuildspecFolder(BuildProgram.RepositoryRoot, _buildspecs, _matrix.Path);
    }

    [TearDown]
    public void TearDown()
    {
        _matrix.Dispose();
        _docker.Dispose();
        if (Directory.Exists(_buildspecs))
        {
            Directory.Delete(_buildspecs, recursive: true);
        }
    }

    [Test]
    public void Should_write_the_original_graph_with_single_manifest_node_and_pass_the_check()
    {
        var written = Run("--target=Buildspec", "--manifest-nodes=single");
        var check = Run("--target=CheckBuildspec", "--manifest-nodes=single");

        Assert.That(written.ExitCode, Is.EqualTo(0), written.ToString());
        Assert.That(check.ExitCode, Is.EqualTo(0), check.ToString());
        Assert.That(_folder.Identifiers(), Is.EqualTo(new[] { "amd64_py37", "arm64v8_py37", "amd64_py38", "arm64v8_py38", "manifest" }));
        Assert.That(check.Output, Does.Contain("5 node(s)"));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_pass_the_group_by_arch_layout()
    {
        Assert.That(Run("--target=Buildspec", "--group-by=arch").ExitCode, Is.EqualTo(0));
        var check = Run("--target=CheckBuildspec", "--group-by=arch");

        Assert.That(check.ExitCode, Is.EqualTo(0), check.ToString());
        Assert.That(_folder.Identifiers(), Is.EqualTo(new[] { "amd64", "arm64v8", "manifest_py37", "manifest_py38" }));
    }

    [Test]
    public void Should_reject_a_cycle_naming_the_nodes_and_the_line()
    {
        _folder.Write(); // as Buildspec writes them, in process: the program runs only the task under test
        // manifest_py37 already depends on amd64_py37: make amd64_py37 depend on it.
        _folder.Edit("  - identifier: amd64_py37\n", "  - identifier: amd64_py37\n    depend-on:\n    - manifest_py37\n");

        var check = Run("--target=CheckBuildspec");

        Assert.That(check.ExitCode, Is.Not.EqualTo(0), check.ToString());
        Assert.That(check.Output, Does.Contain($"batch.yml:{_folder.LineOf("identifier: amd64_py37")}: node 'amd64_py37': depend-on makes a cycle")
            .And.Contain("amd64_py37 → manifest_py37 → amd64_py37"));
    }

    [Test]
    public void Should_pass_for_the_committed_buildspecs_of_the_default_matrix()
    {
        var check = BuildProgram.Run(["--target=CheckBuildspec"], _docker.Environment);

        Assert.That(check.ExitCode, Is.EqualTo(0), check.ToString());
        Assert.That(check.Output, Does.Contain("buildspecs/batch.yml"));
    }

    [Test]
    public void Should_log_the_codebuild_node_and_take_arch_and_version_from_its_variables()
    {
        var result = BuildProgram.Run(
            [$"--matrix={_matrix.Path}", "--target=PushImage", "--registry=127.0.0.1:5000", "--dryrun"],
            new Dictionary<string, string?>(_docker.Environment)
            {
                ["CODEBUILD_BATCH_BUILD_IDENTIFIER"] = "arm64v8_py38",
                ["CODEBUILD_BUILD_ID"] = "python-images:0b9e0b7c",
                ["CODEBUILD_RESOLVED_SOURCE_VERSION"] = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
                ["CODEBUILD_START_TIME"] = "1700000000000",
                ["ARCH"] = "arm64v8",
                ["VERSION"] = "3.8",
            });

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("CodeBuild node arm64v8_py38, build python-images:0b9e0b7c, commit 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b")
            .And.Contain("ARCH=arm64v8, VERSION=3.8"));
        Assert.That(result.Output, Does.Contain("docker push \"127.0.0.1:5000/python:3.8.1a2b3c4-arm64v8\""));
        Assert.That(result.Output, Does.Not.Contain("3.8.1a2b3c4-amd64").And.Not.Contain("3.7.1a2b3c4"));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_print_each_node_with_its_variables_and_commands_under_dryrun_and_run_none()
    {
        _folder.Write(); // as Buildspec writes them, in process: the program runs only the task under test
        var runs = Path.Combine(BuildProgram.RepositoryRoot, ".artifacts", "local-batch");
        var before = Directory.Exists(runs) ? Directory.GetDirectories(runs).Length : 0;

        var plan = Run("--target=LocalBatch", $"--buildspec={BatchFile}", "--registry=127.0.0.1:5000", "--dryrun");

        Assert.That(plan.ExitCode, Is.EqualTo(0), plan.ToString());
        Assert.That(plan.Output, Does.Contain("6 node(s)"));
        Assert.That(plan.Output, Does.Contain($"node arm64v8_py38: ARCH=arm64v8 VERSION=3.8 ./build.sh --target=PushImage --registry=\"$REGISTRY\" --use-date --matrix='{_matrix.Path}'"));
        Assert.That(plan.Output, Does.Contain($"node manifest_py38 after amd64_py38, arm64v8_py38: VERSION=3.8 ./build.sh --target=PushManifest"));
        Assert.That(Directory.Exists(runs) ? Directory.GetDirectories(runs).Length : 0, Is.EqualTo(before), "a dry run started a batch");
        Assert.That(_docker.Calls, Is.Empty);
    }

    private BuildProgram.Result Run(params string[] arguments) =>
        BuildProgram.Run([$"--matrix={_matrix.Path}", $"--buildspec-dir={_buildspecs}", "--tag-suffix=t1", .. arguments], _docker.Environment);
}
