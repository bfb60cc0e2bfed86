using Build.Docker.Build;
using Build.Docker.Version;
using Cake.Core;

namespace Build.Tests.Docker.Build;

/// <summary>Which builder `docker build` uses, by Docker's own rule: DOCKER_BUILDKIT, else the CLI's version and buildx.</summary>
public sealed class DockerBuilderTests
{
    private static DockerBuilder Resolve(string? variable, string version = "28.2.2", bool buildx = false) =>
        DockerBuilder.Resolve(variable, "/usr/bin/docker", () => version, () => buildx);

    [TestCase("1")]
    [TestCase("true")]
    [TestCase("TRUE")]
    public void Should_use_buildkit_when_docker_buildkit_is_true(string value) =>
        Assert.That(Resolve(value, version: "20.10.24").Kind, Is.EqualTo(DockerBuilderKind.BuildKit));

    [TestCase("0")]
    [TestCase("false")]
    public void Should_use_the_classic_builder_when_docker_buildkit_is_false(string value) =>
        Assert.That(Resolve(value, buildx: true).Kind, Is.EqualTo(DockerBuilderKind.Classic));

    [Test]
    public void Should_reject_a_docker_buildkit_that_is_no_boolean_naming_the_valid_values()
    {
        var error = Assert.Throws<CakeException>(() => Resolve("yes"));
        Assert.That(error!.Message, Does.Contain("DOCKER_BUILDKIT='yes'").And.Contain("1 (BuildKit)").And.Contain("0 (the classic builder)"));
    }

    [TestCase("20.10.24+dfsg1", true, DockerBuilderKind.Classic)]
    [TestCase("23.0.0", true, DockerBuilderKind.BuildKit)]
    [TestCase("28.2.2", true, DockerBuilderKind.BuildKit)]
    [TestCase("28.2.2", false, DockerBuilderKind.Classic)]
    public void Should_follow_the_clis_default_when_docker_buildkit_is_unset(string version, bool buildx, DockerBuilderKind expected)
    {
        var builder = Resolve(null, version, buildx);

        Assert.That(builder.Kind, Is.EqualTo(expected));
        Assert.That(builder.ToString(), Does.Contain("/usr/bin/docker").And.Contain(version));
    }

    [Test]
    public void Should_not_ask_the_cli_when_docker_buildkit_decides() =>
        Assert.That(DockerBuilder.Resolve("1", "docker", () => throw new AssertionException("asked the version"), () => throw new AssertionException("asked buildx")).IsBuildKit, Is.True);

    [TestCase("Docker version 28.2.2, build e6534b4", "28.2.2")]
    [TestCase("Docker version 20.10.24+dfsg1, build 297e128", "20.10.24+dfsg1")]
    public void Should_read_the_version_docker_prints(string line, string version) =>
        Assert.That(DockerClientRunner.ParseVersion(line), Is.EqualTo(version));
}
