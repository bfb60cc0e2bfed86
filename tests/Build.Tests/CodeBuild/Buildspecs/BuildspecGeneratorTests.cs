using Build.CodeBuild;
using Build.CodeBuild.Buildspecs;
using Build.Images;
using Build.Tests.Support;
using Cake.Core;

namespace Build.Tests.CodeBuild.Buildspecs;

public sealed class BuildspecGeneratorTests
{
    private TempMatrix _matrix = null!;
    private string _buildspecs = null!;

    [SetUp]
    public void SetUp()
    {
        _matrix = TempMatrix.TwoByTwo();
        _buildspecs = Path.Combine(_matrix.Directory, "buildspecs");
    }

    [TearDown]
    public void TearDown() => _matrix.Dispose();

    [Test]
    public void Should_reproduce_the_original_four_plus_one_graph_with_a_single_manifest_node()
    {
        var batch = Generate(new BuildspecLayout(ManifestNodes.Single));

        Assert.That(batch.Nodes.Select(n => n.Identifier), Is.EqualTo(new[] { "amd64_py37", "arm64v8_py37", "amd64_py38", "arm64v8_py38", "manifest" }));
        Assert.That(batch.Nodes[4].Dependencies, Is.EqualTo(new[] { "amd64_py37", "arm64v8_py37", "amd64_py38", "arm64v8_py38" }));
        Assert.That(batch.Nodes[4].Variables, Is.Empty);
        Assert.That(batch.FastFail, Is.False);
    }

    [Test]
    public void Should_make_one_manifest_node_per_version_depending_on_that_versions_nodes_by_default()
    {
        var batch = Generate(new BuildspecLayout());

        Assert.That(batch.Nodes.Select(n => n.Identifier), Is.EqualTo(new[] { "amd64_py37", "arm64v8_py37", "amd64_py38", "arm64v8_py38", "manifest_py37", "manifest_py38" }));
        Assert.That(batch.Nodes[4].Dependencies, Is.EqualTo(new[] { "amd64_py37", "arm64v8_py37" }));
        Assert.That(batch.Nodes[5].Dependencies, Is.EqualTo(new[] { "amd64_py38", "arm64v8_py38" }));
        Assert.That(batch.Nodes[5].Variables, Is.EqualTo(new Dictionary<string, string> { ["VERSION"] = "3.8" }));
    }

    [Test]
    public void Should_make_one_build_node_per_arch_with_group_by_arch()
    {
        var batch = Generate(new BuildspecLayout(GroupBy: GroupBy.Arch));

        Assert.That(batch.Nodes.Select(n => n.Identifier), Is.EqualTo(new[] { "amd64", "arm64v8", "manifest_py37", "manifest_py38" }));
        Assert.That(batch.Nodes[1].Variables, Is.EqualTo(new Dictionary<string, string> { ["ARCH"] = "arm64v8" }));
        Assert.That(batch.Nodes[2].Dependencies, Is.EqualTo(new[] { "amd64", "arm64v8" }));
    }

    [Test]
    public void Should_run_arm_nodes_on_arm_containers_and_every_node_privileged()
    {
        var batch = Generate(new BuildspecLayout());

        var arm = batch.Nodes.Single(n => n.Identifier == "arm64v8_py38");
        var x86 = batch.Nodes.Single(n => n.Identifier == "amd64_py38");
        Assert.That((arm.Env.Type, arm.Env.Image), Is.EqualTo((CodeBuildEnvironments.ArmContainer, CodeBuildEnvironments.ArmImage)));
        Assert.That((x86.Env.Type, x86.Env.Image), Is.EqualTo((CodeBuildEnvironments.LinuxContainer, CodeBuildEnvironments.X86Image)));
        Assert.That(arm.Variables, Is.EqualTo(new Dictionary<string, string> { ["ARCH"] = "arm64v8", ["VERSION"] = "3.8" }));
        Assert.That(batch.Nodes.Select(n => n.Env.PrivilegedMode), Is.All.True);
    }

    [Test]
    public void Should_give_every_node_the_same_command_with_the_build_or_manifest_target()
    {
        var files = BuildspecGenerator.Generate(MatrixLoader.Load(_matrix.Path), new BuildspecLayout(), "buildspecs", "m/images.json");

        Assert.That(files.Single(f => f.Name == "build.yml").Content, Does.Contain("- ./build.sh --target=PushImage --registry=\"$REGISTRY\" --use-date --matrix='m/images.json'\n"));
        Assert.That(files.Single(f => f.Name == "manifest.yml").Content, Does.Contain("- ./build.sh --target=PushManifest --registry=\"$REGISTRY\" --use-date --matrix='m/images.json'\n"));
    }

    [Test]
    public void Should_quote_versions_so_that_yaml_keeps_3_10_a_string()
    {
        using var matrix = new TempMatrix("""{ "repository": "python", "images": [ { "version": "3.10", "dockerfile": "d", "architectures": ["amd64"] } ] }""", "d");

        var batch = BuildspecGenerator.Generate(MatrixLoader.Load(matrix.Path), new BuildspecLayout(), "buildspecs", null).Single(f => f.Name == "batch.yml");

        Assert.That(batch.Content, Does.Contain("VERSION: \"3.10\""));
    }

    [Test]
    public void Should_refuse_versions_that_would_share_an_identifier()
    {
        using var matrix = new TempMatrix(
            """{ "repository": "python", "images": [ { "version": "3.1.12", "dockerfile": "d", "architectures": ["amd64"] }, { "version": "3.11.2", "dockerfile": "d", "architectures": ["amd64"] } ] }""", "d");

        var error = Assert.Throws<CakeException>(() => BuildspecGenerator.Generate(MatrixLoader.Load(matrix.Path), new BuildspecLayout(), "buildspecs", null))!;

        Assert.That(error.Message, Does.Contain("'3.1.12' and '3.11.2'").And.Contain("py3112"));
    }

    // Written, then read back through the reader CheckBuildspec and LocalBatch use: the round trip is part of the test.
    private ParsedBatch Generate(BuildspecLayout layout)
    {
        Directory.CreateDirectory(_buildspecs);
        foreach (var file in BuildspecGenerator.Generate(MatrixLoader.Load(_matrix.Path), layout, "buildspecs", null))
        {
            File.WriteAllText(Path.Combine(_buildspecs, file.Name), file.Content);
        }

        var batch = BuildspecReader.ReadBatch(Path.Combine(_buildspecs, "batch.yml"), "batch.yml");
        Assert.That(batch.Problems, Is.Empty);
        return batch;
    }
}
