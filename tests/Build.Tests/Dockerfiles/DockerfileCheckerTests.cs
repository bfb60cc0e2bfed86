using Build.Dockerfiles;

namespace Build.Tests.Dockerfiles;

public sealed class DockerfileCheckerTests
{
    private static readonly Dictionary<string, string> NoArgs = [];

    private static IReadOnlyList<string> Check(string dockerfile, Dictionary<string, string>? args = null) =>
        DockerfileChecker.Check("Dockerfile", dockerfile, args ?? NoArgs);

    [Test]
    public void Should_accept_a_clean_parameterised_dockerfile() =>
        Assert.That(Check("""
            ARG BASE_IMAGE=public.ecr.aws/amazonlinux/amazonlinux:2023
            FROM ${BASE_IMAGE}
            ARG VERSION
            RUN dnf install -y "python${VERSION}" \
             && for f in a b; do echo $f; done \
             && v=1 && echo $v
            ENTRYPOINT ["python"]
            """), Is.Empty);

    [Test]
    public void Should_report_an_arg_used_but_not_declared_in_the_stage()
    {
        var problems = Check("""
            ARG VERSION=3.11
            FROM debian:bookworm
            RUN apt-get install -y "python${VERSION}"
            """);

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("Dockerfile:3:").And.Contain("${VERSION}").And.Contain("declares no ARG"));
    }

    [Test]
    public void Should_report_an_undeclared_arg_in_from()
    {
        var problems = Check("FROM ${ARCH}/amazonlinux:2\n");

        Assert.That(problems, Has.Some.Contain("FROM uses ${ARCH}"));
    }

    [TestCase("FROM debian:latest\n", "uses 'latest'")]
    [TestCase("FROM debian\n", "has no tag")]
    [TestCase("ARG BASE=python:latest\nFROM ${BASE}\n", "'python:latest' uses 'latest'")]
    [TestCase("ARG BASE\nFROM ${BASE}\n", "has no value here")]
    public void Should_reject_a_latest_or_untagged_base(string dockerfile, string expected) =>
        Assert.That(Check(dockerfile), Has.Some.Contain(expected));

    [TestCase("FROM debian@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n")]
    [TestCase("FROM scratch\n")]
    [TestCase("FROM 127.0.0.1:5000/base:bookworm\n")]
    [TestCase("FROM debian:bookworm AS build\nFROM build\n")]
    public void Should_accept_pinned_bases(string dockerfile) =>
        Assert.That(Check(dockerfile), Is.Empty);

    [Test]
    public void Should_resolve_the_base_from_the_matrix_build_args() =>
        Assert.That(Check("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n", new() { ["BASE_IMAGE"] = "{registry}/debian-python:bookworm" }), Is.Empty);

    [TestCase("RUN curl -fsSL https://example.com/install.sh | sh")]
    [TestCase("RUN curl -sS https://bootstrap.pypa.io/get-pip.py | python3")]
    [TestCase("RUN wget -qO- https://example.com/x | sudo bash -s -- --yes")]
    [TestCase("RUN sh -c \"$(curl -fsSL https://example.com/install.sh)\"")]
    [TestCase("RUN bash <(curl -s https://example.com/x)")]
    [TestCase("RUN apt-get update \\\n && curl -fsSL https://example.com/x \\\n    | bash")]
    public void Should_reject_a_download_piped_into_a_shell(string run)
    {
        var problems = Check("FROM debian:bookworm\n" + run + "\n");

        Assert.That(problems, Has.Some.Contain("pipes a download into a shell"));
    }

    [Test]
    public void Should_accept_a_download_saved_and_checked()
    {
        Assert.That(Check("FROM debian:bookworm\nRUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz && echo \"abc  /tmp/x.tgz\" | sha256sum -c -\n"), Is.Empty);
    }

    [Test]
    public void Should_pass_the_repositorys_own_dockerfiles()
    {
        var folder = Path.Combine(Support.BuildProgram.RepositoryRoot, "dockerfiles");
        foreach (var matrixFile in Directory.GetFiles(folder, "*.json"))
        {
            var matrix = Build.Images.MatrixLoader.Load(matrixFile);
            foreach (var entry in matrix.Images)
            {
                foreach (var arch in entry.Architectures)
                {
                    var args = new Dictionary<string, string>(entry.BuildArgs) { ["VERSION"] = entry.Version, ["ARCH"] = arch.Name };
                    Assert.That(DockerfileChecker.Check(entry.DockerfilePath, File.ReadAllText(entry.DockerfilePath), args), Is.Empty, $"{matrixFile} {entry.Version} {arch}");
                }
            }
        }
    }
}
