using Build.CodeBuild.Buildspecs;
using Build.Tests.Support;

namespace Build.Tests.CodeBuild.Buildspecs;

/// <summary>
/// CheckBuildspec's rules in process: the files Buildspec writes for a matrix, edited, then checked with the calls the
/// task makes; each problem named with file, line and node as the task prints it. Integration/BuildspecCommandLineTests
/// runs the two tasks as a user does.
/// </summary>
public sealed class BuildspecCheckerTests
{
    private TempMatrix _matrix = null!;
    private string _root = null!;
    private BuildspecFolder _buildspecs = null!;

    private string Folder => Path.Combine(_root, "buildspecs");

    [SetUp]
    public void SetUp()
    {
        _matrix = TempMatrix.TwoByTwo();
        _root = Directory.CreateTempSubdirectory("buildspec-check-").FullName;
        _buildspecs = new BuildspecFolder(_root, "buildspecs", _matrix.Path);
    }

    [TearDown]
    public void TearDown()
    {
        _matrix.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Test]
    public void Should_write_the_original_graph_with_single_manifest_node_and_pass_the_check()
    {
        var single = new BuildspecLayout(ManifestNodes.Single);
        _buildspecs.Write(single);

        Assert.That(_buildspecs.Check(single), Is.Empty);
        Assert.That(_buildspecs.Identifiers(), Is.EqualTo(new[] { "amd64_py37", "arm64v8_py37", "amd64_py38", "arm64v8_py38", "manifest" }));
    }

    [Test]
    public void Should_write_per_version_manifest_nodes_by_default_and_pass_the_check()
    {
        _buildspecs.Write();

        Assert.That(_buildspecs.Check(), Is.Empty);
        Assert.That(_buildspecs.Identifiers(), Is.EqualTo(new[] { "amd64_py37", "arm64v8_py37", "amd64_py38", "arm64v8_py38", "manifest_py37", "manifest_py38" }));
    }

    [Test]
    public void Should_pass_the_group_by_arch_layout()
    {
        var byArch = new BuildspecLayout(GroupBy: GroupBy.Arch);
        _buildspecs.Write(byArch);

        Assert.That(_buildspecs.Check(byArch), Is.Empty);
        Assert.That(_buildspecs.Identifiers(), Is.EqualTo(new[] { "amd64", "arm64v8", "manifest_py37", "manifest_py38" }));
    }

    [Test]
    public void Should_reject_a_cycle_naming_the_nodes_and_the_line()
    {
        _buildspecs.Write();
        // manifest_py37 already depends on amd64_py37: make amd64_py37 depend on it.
        _buildspecs.Edit("  - identifier: amd64_py37\n", "  - identifier: amd64_py37\n    depend-on:\n    - manifest_py37\n");

        var problems = _buildspecs.Check();

        Assert.That(problems, Is.Not.Empty);
        Assert.That(Printed(problems), Does.Contain($"batch.yml:{_buildspecs.LineOf("identifier: amd64_py37")}: node 'amd64_py37': depend-on makes a cycle")
            .And.Contain("amd64_py37 → manifest_py37 → amd64_py37"));
    }

    [Test]
    public void Should_reject_depend_on_naming_a_missing_node()
    {
        _buildspecs.Write();
        _buildspecs.Edit("    - arm64v8_py38\n", "    - arm64v8_py39\n");

        var problems = _buildspecs.Check();

        Assert.That(problems, Is.Not.Empty);
        Assert.That(Printed(problems), Does.Contain($"batch.yml:{_buildspecs.LineOf("identifier: manifest_py38")}: node 'manifest_py38': depend-on names 'arm64v8_py39', which is not a node"));
    }

    [Test]
    public void Should_reject_a_hyphenated_identifier()
    {
        _buildspecs.Write();
        _buildspecs.Edit("identifier: amd64_py37\n", "identifier: amd64-py37\n");
        _buildspecs.Edit("    - amd64_py37\n", "    - amd64-py37\n");

        var problems = _buildspecs.Check();

        Assert.That(problems, Is.Not.Empty);
        Assert.That(Printed(problems), Does.Contain($"batch.yml:{_buildspecs.LineOf("identifier: amd64-py37")}: node 'amd64-py37': the identifier must use letters, digits and underscores only")
            .And.Contain("'amd64_py37'"));
    }

    [Test]
    public void Should_reject_a_node_for_a_version_the_matrix_lacks()
    {
        _buildspecs.Write();
        _buildspecs.Edit("      variables:\n        ARCH: arm64v8\n        VERSION: \"3.8\"", "      variables:\n        ARCH: arm64v8\n        VERSION: \"3.9\"");

        var problems = _buildspecs.Check();

        Assert.That(problems, Is.Not.Empty);
        Assert.That(Printed(problems), Does.Contain($"batch.yml:{_buildspecs.LineOf("identifier: arm64v8_py38")}: node 'arm64v8_py38': VERSION=3.9 names no entry of the matrix")
            .And.Contain("3.7, 3.8"));
        Assert.That(Printed(problems), Does.Contain("the matrix entry 3.8/arm64v8 has no build node"));
    }

    [Test]
    public void Should_reject_unknown_keys_naming_the_line()
    {
        _buildspecs.Write();
        _buildspecs.Edit("      privileged-mode: true\n", "      privileged_mode: true\n");

        var problems = _buildspecs.Check();

        Assert.That(problems, Is.Not.Empty);
        Assert.That(Printed(problems), Does.Contain($"batch.yml:{_buildspecs.LineOf("privileged_mode: true")}: node 'amd64_py37': unknown key 'privileged_mode'"));
    }

    [Test]
    public void Should_reject_a_matrix_entry_with_no_node()
    {
        _buildspecs.Write();
        File.WriteAllText(Path.Combine(_matrix.Directory, "python3.9.Dockerfile"), "FROM scratch\n");
        File.WriteAllText(_matrix.Path, File.ReadAllText(_matrix.Path).Replace(
            "\"images\": [",
            """
            "images": [ { "version": "3.9", "dockerfile": "python3.9.Dockerfile", "architectures": ["amd64"] },
            """));

        var problems = _buildspecs.Check();

        Assert.That(problems, Is.Not.Empty);
        Assert.That(Printed(problems), Does.Contain("the matrix entry 3.9/amd64 has no build node").And.Contain("the matrix entry 3.9 has no manifest node"));
    }

    [Test]
    public void Should_reject_a_referenced_buildspec_that_is_missing()
    {
        _buildspecs.Write();
        File.Delete(Path.Combine(Folder, "manifest.yml"));

        var problems = _buildspecs.Check();

        Assert.That(problems, Is.Not.Empty);
        Assert.That(Printed(problems), Does.Contain($"batch.yml:{_buildspecs.LineOf("identifier: manifest_py37")}: node 'manifest_py37': its buildspec").And.Contain("manifest.yml' does not exist"));
    }

    [Test]
    public void Should_fail_when_the_committed_files_differ_from_what_buildspec_writes()
    {
        _buildspecs.Write();
        _buildspecs.Edit("fast-fail: false", "fast-fail: true");

        var problems = _buildspecs.Check();

        Assert.That(problems, Is.Not.Empty);
        Assert.That(Printed(problems), Does.Contain($"batch.yml:{_buildspecs.LineOf("fast-fail: true")}: differs from what Buildspec writes").And.Contain("--target=Buildspec"));
    }

    [Test]
    public void Should_declare_the_codebuild_cache_in_every_node_buildspec()
    {
        _buildspecs.Write();

        foreach (var name in new[] { "build.yml", "manifest.yml" })
        {
            var text = File.ReadAllText(Path.Combine(Folder, name));
            Assert.That(text, Does.Contain("\ncache:\n  key: build-program-$(uname -m)-$(git ls-tree HEAD build build.sh global.json Directory.Build.props Directory.Build.targets | sha256sum | cut -c1-16)\n"), name);
            Assert.That(text, Does.Contain("  fallback-keys:\n  - build-program-$(uname -m)-\n  paths:\n  - .dotnet/**/*\n  - .nuget/packages/**/*\n  - .artifacts/build/**/*\n"), name);
        }
    }

    [Test]
    public void Should_reject_a_node_buildspec_whose_cache_lacks_a_path()
    {
        _buildspecs.Write();
        var build = Path.Combine(Folder, "build.yml");
        File.WriteAllText(build, File.ReadAllText(build).Replace("  - .artifacts/build/**/*\n", string.Empty, StringComparison.Ordinal));
        var line = Array.FindIndex(File.ReadAllLines(build), l => l == "cache:") + 2; // the section starts at its first key

        var problems = _buildspecs.Check();

        Assert.That(problems, Is.Not.Empty);
        Assert.That(Printed(problems), Does.Contain($"build.yml:{line}: 'cache: paths:' lacks .artifacts/build/**/* so that a node of the next batch"));
    }

    [Test]
    public void Should_reject_a_node_buildspec_without_cache_or_with_one_cache_for_every_cpu()
    {
        _buildspecs.Write();
        var manifest = Path.Combine(Folder, "manifest.yml");
        var text = File.ReadAllText(manifest);
        File.WriteAllText(manifest, text[..text.IndexOf("cache:", StringComparison.Ordinal)]);
        var build = Path.Combine(Folder, "build.yml");
        File.WriteAllText(build, File.ReadAllText(build).Replace("key: build-program-$(uname -m)-", "key: build-program-", StringComparison.Ordinal));

        var problems = _buildspecs.Check();

        Assert.That(problems, Is.Not.Empty);
        Assert.That(Printed(problems), Does.Contain("manifest.yml:1: declares no 'cache:'; it needs 'cache: paths:' .dotnet/**/*, .nuget/packages/**/*, .artifacts/build/**/*"));
        Assert.That(Printed(problems), Does.Contain("'cache: key:' must start with 'build-program-$(uname -m)-' (one cache per CPU"));
    }

    private static string Printed(IEnumerable<string> problems) => string.Join(Environment.NewLine, problems);
}
