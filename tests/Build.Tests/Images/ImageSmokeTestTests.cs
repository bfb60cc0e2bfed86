using Build.Images;

namespace Build.Tests.Images;

public sealed class ImageSmokeTestTests
{
    private static ImageTarget Target(string version, string arch) =>
        new(new ImageEntry(version, "/d/Dockerfile", [Architectures.Find(arch)!], new Dictionary<string, string>()), Architectures.Find(arch)!);

    private static SmokeTestResult Output(string python = "Python 3.11.2", string machine = "aarch64", string pip = "pip 23.0.1 from /usr/lib/python3/dist-packages/pip (python 3.11)", int pipStatus = 0) =>
        ImageSmokeTest.Parse([$"python_status=0", $"python={python}", "machine_status=0", $"machine={machine}", $"pip_status={pipStatus}", $"pip={pip}"]);

    [Test]
    public void Should_pass_when_version_machine_and_pip_match() =>
        Assert.That(ImageSmokeTest.Problems(Output(), Target("3.11", "arm64v8")), Is.Empty);

    [Test]
    public void Should_compare_major_and_minor_only() =>
        Assert.That(ImageSmokeTest.Problems(Output(python: "Python 3.11.9"), Target("3.11.2", "arm64v8")), Is.Empty);

    [Test]
    public void Should_name_both_versions_when_python_differs()
    {
        var problems = ImageSmokeTest.Problems(Output(python: "Python 3.11.2"), Target("3.12", "arm64v8"));

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.Contain("3.11.2").And.Contain("3.12"));
    }

    [Test]
    public void Should_name_the_machine_when_the_platform_is_wrong() =>
        Assert.That(ImageSmokeTest.Problems(Output(machine: "x86_64"), Target("3.11", "arm64v8")), Has.Some.Contain("x86_64").And.Some.Contain("aarch64"));

    [Test]
    public void Should_report_a_missing_pip_with_its_output() =>
        Assert.That(ImageSmokeTest.Problems(Output(pip: "sh: 1: pip: not found", pipStatus: 127), Target("3.11", "arm64v8")), Has.Some.Contain("pip: not found"));
}
