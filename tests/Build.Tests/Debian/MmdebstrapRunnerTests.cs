using Build.Debian;

namespace Build.Tests.Debian;

public sealed class MmdebstrapRunnerTests
{
    [Test]
    public void Should_render_the_suite_and_the_output_quoted_after_the_options()
    {
        var settings = new MmdebstrapSettings { Architecture = "arm64", Include = ["python3", "python3-pip"] };

        var rendered = MmdebstrapRunner.GetArguments("bookworm", "/cache/bookworm-arm64.partial.tar", settings).Render();

        Assert.That(rendered, Is.EqualTo("--arch=arm64 --variant=minbase --include=python3,python3-pip \"bookworm\" \"/cache/bookworm-arm64.partial.tar\""));
    }
}
