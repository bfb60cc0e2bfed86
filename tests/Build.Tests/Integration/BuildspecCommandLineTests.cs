using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>Buildspec and CheckBuildspec as a user runs them: the files written, and each problem named with file, line and node.</summary>
[Parallelizable(ParallelScope.None)]
public sealed class BuildspecCommandLineTests
{
    private TempMatrix _matrix = null!;
    private FakeDocker _docker = null!;
    private string _buildspecs = null!;

    private string BatchFile => Path.Combine(_buildspecs, "batch.yml");

    [SetUp]
    public void SetUp()
    {
        _matrix = TempMatrix.TwoByTwo();
        _docker = new FakeDocker();
        // Inside the repository, where CodeBuild reads buildspecs (Buildspec refuses a folder outside it).
        _buildspecs = Path.Combine(BuildProgram.RepositoryRoot, ".artifacts", "tests", "buildspecs-" + Guid.NewGuid().ToString("N")[..8]);
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
        Assert.That(Identifiers(), Is.EqualTo(new[] { "amd64_py37", "arm64v8_py37", "amd64_py38", "arm64v8_py38", "manifest" }));
        Assert.That(check.Output, Does.Contain("5 node(s)"));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_write_per_version_manifest_nodes_by_default_and_pass_the_check()
    {
        var written = Run("--target=Buildspec");
        var check = Run("--target=CheckBuildspec");

        Assert.That(written.ExitCode, Is.EqualTo(0), written.ToString());
        Assert.That(check.ExitCode, Is.EqualTo(0), check.ToString());
        Assert.That(Identifiers(), Is.EqualTo(new[] { "amd64_py37", "arm64v8_py37", "amd64_py38", "arm64v8_py38", "manifest_py37", "manifest_py38" }));
    }

    [Test]
    public void Should_pass_the_group_by_arch_layout()
    {
        Assert.That(Run("--target=Buildspec", "--group-by=arch").ExitCode, Is.EqualTo(0));
        var check = Run("--target=CheckBuildspec", "--group-by=arch");

        Assert.That(check.ExitCode, Is.EqualTo(0), check.ToString());
        Assert.That(Identifiers(), Is.EqualTo(new[] { "amd64", "arm64v8", "manifest_py37", "manifest_py38" }));
    }

    [Test]
    public void Should_reject_a_cycle_naming_the_nodes_and_the_line()
    {
        Generate();
        // manifest_py37 already depends on amd64_py37: make amd64_py37 depend on it.
        Edit("  - identifier: amd64_py37\n", "  - identifier: amd64_py37\n    depend-on:\n    - manifest_py37\n");

        var check = Run("--target=CheckBuildspec");

        Assert.That(check.ExitCode, Is.Not.EqualTo(0), check.ToString());
        Assert.That(check.Output, Does.Contain($"batch.yml:{LineOf("identifier: amd64_py37")}: node 'amd64_py37': depend-on makes a cycle")
            .And.Contain("amd64_py37 → manifest_py37 → amd64_py37"));
    }

    [Test]
    public void Should_reject_depend_on_naming_a_missing_node()
    {
        Generate();
        Edit("    - arm64v8_py38\n", "    - arm64v8_py39\n");

        var check = Run("--target=CheckBuildspec");

        Assert.That(check.ExitCode, Is.Not.EqualTo(0), check.ToString());
        Assert.That(check.Output, Does.Contain($"batch.yml:{LineOf("identifier: manifest_py38")}: node 'manifest_py38': depend-on names 'arm64v8_py39', which is not a node"));
    }

    [Test]
    public void Should_reject_a_hyphenated_identifier()
    {
        Generate();
        Edit("identifier: amd64_py37\n", "identifier: amd64-py37\n");
        Edit("    - amd64_py37\n", "    - amd64-py37\n");

        var check = Run("--target=CheckBuildspec");

        Assert.That(check.ExitCode, Is.Not.EqualTo(0), check.ToString());
        Assert.That(check.Output, Does.Contain($"batch.yml:{LineOf("identifier: amd64-py37")}: node 'amd64-py37': the identifier must use letters, digits and underscores only")
            .And.Contain("'amd64_py37'"));
    }

    [Test]
    public void Should_reject_a_node_for_a_version_the_matrix_lacks()
    {
        Generate();
        Edit("      variables:\n        ARCH: arm64v8\n        VERSION: \"3.8\"", "      variables:\n        ARCH: arm64v8\n        VERSION: \"3.9\"");

        var check = Run("--target=CheckBuildspec");

        Assert.That(check.ExitCode, Is.Not.EqualTo(0), check.ToString());
        Assert.That(check.Output, Does.Contain($"batch.yml:{LineOf("identifier: arm64v8_py38")}: node 'arm64v8_py38': VERSION=3.9 names no entry of the matrix")
            .And.Contain("3.7, 3.8"));
        Assert.That(check.Output, Does.Contain("the matrix entry 3.8/arm64v8 has no build node"));
    }

    [Test]
    public void Should_reject_unknown_keys_naming_the_line()
    {
        Generate();
        Edit("      privileged-mode: true\n", "      privileged_mode: true\n");

        var check = Run("--target=CheckBuildspec");

        Assert.That(check.ExitCode, Is.Not.EqualTo(0), check.ToString());
        Assert.That(check.Output, Does.Contain($"batch.yml:{LineOf("privileged_mode: true")}: node 'amd64_py37': unknown key 'privileged_mode'"));
    }

    [Test]
    public void Should_reject_a_matrix_entry_with_no_node()
    {
        Generate();
        File.WriteAllText(Path.Combine(_matrix.Directory, "python3.9.Dockerfile"), "FROM scratch\n");
        File.WriteAllText(_matrix.Path, File.ReadAllText(_matrix.Path).Replace(
            "\"images\": [",
            """
            "images": [ { "version": "3.9", "dockerfile": "python3.9.Dockerfile", "architectures": ["amd64"] },
            """));

        var check = Run("--target=CheckBuildspec");

        Assert.That(check.ExitCode, Is.Not.EqualTo(0), check.ToString());
        Assert.That(check.Output, Does.Contain("the matrix entry 3.9/amd64 has no build node").And.Contain("the matrix entry 3.9 has no manifest node"));
    }

    [Test]
    public void Should_reject_a_referenced_buildspec_that_is_missing()
    {
        Generate();
        File.Delete(Path.Combine(_buildspecs, "manifest.yml"));

        var check = Run("--target=CheckBuildspec");

        Assert.That(check.ExitCode, Is.Not.EqualTo(0), check.ToString());
        Assert.That(check.Output, Does.Contain($"batch.yml:{LineOf("identifier: manifest_py37")}: node 'manifest_py37': its buildspec").And.Contain("manifest.yml' does not exist"));
    }

    [Test]
    public void Should_fail_when_the_committed_files_differ_from_what_buildspec_writes()
    {
        Generate();
        Edit("fast-fail: false", "fast-fail: true");

        var check = Run("--target=CheckBuildspec");

        Assert.That(check.ExitCode, Is.Not.EqualTo(0), check.ToString());
        Assert.That(check.Output, Does.Contain($"batch.yml:{LineOf("fast-fail: true")}: differs from what Buildspec writes").And.Contain("--target=Buildspec"));
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
        Generate();
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

    [Test]
    public void Should_declare_the_codebuild_cache_in_every_node_buildspec()
    {
        Generate();

        foreach (var name in new[] { "build.yml", "manifest.yml" })
        {
            var text = File.ReadAllText(Path.Combine(_buildspecs, name));
            Assert.That(text, Does.Contain("\ncache:\n  key: build-program-$(uname -m)-$(git ls-tree HEAD build build.sh global.json Directory.Build.props Directory.Build.targets | sha256sum | cut -c1-16)\n"), name);
            Assert.That(text, Does.Contain("  fallback-keys:\n  - build-program-$(uname -m)-\n  paths:\n  - .dotnet/**/*\n  - .nuget/packages/**/*\n  - .artifacts/build/**/*\n"), name);
        }
    }

    [Test]
    public void Should_reject_a_node_buildspec_whose_cache_lacks_a_path()
    {
        Generate();
        var build = Path.Combine(_buildspecs, "build.yml");
        File.WriteAllText(build, File.ReadAllText(build).Replace("  - .artifacts/build/**/*\n", string.Empty, StringComparison.Ordinal));
        var line = Array.FindIndex(File.ReadAllLines(build), l => l == "cache:") + 2; // the section starts at its first key

        var check = Run("--target=CheckBuildspec");

        Assert.That(check.ExitCode, Is.Not.EqualTo(0), check.ToString());
        Assert.That(check.Output, Does.Contain($"build.yml:{line}: 'cache: paths:' lacks .artifacts/build/**/* so that a node of the next batch"));
    }

    [Test]
    public void Should_reject_a_node_buildspec_without_cache_or_with_one_cache_for_every_cpu()
    {
        Generate();
        var manifest = Path.Combine(_buildspecs, "manifest.yml");
        var text = File.ReadAllText(manifest);
        File.WriteAllText(manifest, text[..text.IndexOf("cache:", StringComparison.Ordinal)]);
        var build = Path.Combine(_buildspecs, "build.yml");
        File.WriteAllText(build, File.ReadAllText(build).Replace("key: build-program-$(uname -m)-", "key: build-program-", StringComparison.Ordinal));

        var check = Run("--target=CheckBuildspec");

        Assert.That(check.ExitCode, Is.Not.EqualTo(0), check.ToString());
        Assert.That(check.Output, Does.Contain("manifest.yml:1: declares no 'cache:'; it needs 'cache: paths:' .dotnet/**/*, .nuget/packages/**/*, .artifacts/build/**/*"));
        Assert.That(check.Output, Does.Contain("'cache: key:' must start with 'build-program-$(uname -m)-' (one cache per CPU"));
    }

    private void Generate()
    {
        var written = Run("--target=Buildspec");
        Assert.That(written.ExitCode, Is.EqualTo(0), written.ToString());
    }

    private void Edit(string from, string to)
    {
        var text = File.ReadAllText(BatchFile);
        Assert.That(text, Does.Contain(from), "the test's edit no longer matches the generated file");
        var index = text.IndexOf(from, StringComparison.Ordinal);
        File.WriteAllText(BatchFile, text[..index] + to + text[(index + from.Length)..]);
    }

    private int LineOf(string text) =>
        Array.FindIndex(File.ReadAllLines(BatchFile), l => l.Contains(text, StringComparison.Ordinal)) + 1;

    private string[] Identifiers() =>
        File.ReadAllLines(BatchFile).Where(l => l.TrimStart().StartsWith("- identifier: ", StringComparison.Ordinal)).Select(l => l.Split(": ")[1]).ToArray();

    private BuildProgram.Result Run(params string[] arguments) =>
        BuildProgram.Run([$"--matrix={_matrix.Path}", $"--buildspec-dir={_buildspecs}", "--tag-suffix=t1", .. arguments], _docker.Environment);
}
