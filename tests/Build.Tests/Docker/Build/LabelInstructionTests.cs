using Build.Docker.Build;
using Build.Tests.Support;
using Cake.Docker;

namespace Build.Tests.Docker.Build;

public sealed class LabelInstructionTests
{
    private static readonly KeyValuePair<string, string>[] Labels =
    [
        new("org.opencontainers.image.version", "3.11.t1"),
        new("org.opencontainers.image.source", "https://github.com/org/repo.git"),
    ];

    [Test]
    public void Should_write_every_label_in_one_instruction() =>
        Assert.That(LabelInstruction.TryRender(Labels), Is.EqualTo(
            "LABEL \"org.opencontainers.image.version\"=\"3.11.t1\" \"org.opencontainers.image.source\"=\"https://github.com/org/repo.git\""));

    [TestCase("a\"b")]
    [TestCase("a$HOME")]
    [TestCase("a\\b")]
    [TestCase("a`b")]
    [TestCase("two\nlines")]
    public void Should_leave_values_the_dockerfile_parser_would_change_to_label_flags(string value) =>
        Assert.That(LabelInstruction.TryRender([.. Labels, new("x", value)]), Is.Null);

    [Test]
    public void Should_append_after_the_last_line() =>
        Assert.That(LabelInstruction.AppendTo("FROM scratch\nENTRYPOINT [\"python\"]\n\n", "LABEL \"a\"=\"b\""), Is.EqualTo("FROM scratch\nENTRYPOINT [\"python\"]\nLABEL \"a\"=\"b\"\n"));

    [TestCase("FROM scratch\nRUN true \\\n")]
    [TestCase("# escape=`\nFROM scratch\nRUN true `\n")]
    public void Should_not_append_to_a_dockerfile_whose_last_line_continues(string dockerfile) =>
        Assert.That(LabelInstruction.AppendTo(dockerfile, "LABEL \"a\"=\"b\""), Is.Null);

    [Test]
    public void Should_build_a_labelled_copy_of_the_dockerfile_without_label_flags()
    {
        var cake = new RealCake();
        var (tool, log) = RealCake.RecordingTool();
        var source = Directory.CreateTempSubdirectory("labelled-").FullName;
        var dockerfile = Path.Combine(source, "python.Dockerfile");
        File.WriteAllText(dockerfile, "FROM scratch\n");
        var settings = new DockerImageBuildSettings { ToolPath = tool, File = dockerfile, Label = [.. Labels.Select(l => $"{l.Key}={l.Value}")] };

        try
        {
            new DockerImageBuilder(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools).Build(source, settings);

            var arguments = File.ReadAllLines(log);
            Assert.That(arguments, Does.Not.Contain("--label"));
            var file = arguments[Array.IndexOf(arguments, "--file") + 1];
            Assert.That(file, Does.StartWith(Path.GetTempPath()).And.EndWith(".labelled"));
            Assert.That(File.Exists(file), Is.False, "the copy is removed after the build");
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }
}
