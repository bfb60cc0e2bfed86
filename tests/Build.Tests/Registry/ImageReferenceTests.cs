using Build.Registry;
using NUnit.Framework;

namespace Build.Tests.Registry;

public class ImageReferenceTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Test]
    public void Should_parse_registry_with_port_and_tag()
    {
        var image = ImageReference.Parse("127.0.0.1:5000/python:3.8.t1-arm64v8");

        Assert.That(image.Registry, Is.EqualTo("127.0.0.1:5000"));
        Assert.That(image.Repository, Is.EqualTo("python"));
        Assert.That(image.Tag, Is.EqualTo("3.8.t1-arm64v8"));
        Assert.That(image.Digest, Is.Null);
        Assert.That(image.Reference, Is.EqualTo("3.8.t1-arm64v8"));
    }

    [Test]
    public void Should_parse_nested_repository()
    {
        var image = ImageReference.Parse("ghcr.io/org/team/python:3.12");

        Assert.That(image.Registry, Is.EqualTo("ghcr.io"));
        Assert.That(image.Repository, Is.EqualTo("org/team/python"));
        Assert.That(image.Tag, Is.EqualTo("3.12"));
    }

    [Test]
    public void Should_parse_digest_reference()
    {
        var image = ImageReference.Parse($"localhost:5000/python@{Digest}");

        Assert.That(image.Registry, Is.EqualTo("localhost:5000"));
        Assert.That(image.Tag, Is.Null);
        Assert.That(image.Digest, Is.EqualTo(Digest));
        Assert.That(image.Reference, Is.EqualTo(Digest));
    }

    [Test]
    public void Should_prefer_digest_when_tag_and_digest_are_given()
    {
        var image = ImageReference.Parse($"registry.example.com/python:3.8@{Digest}");

        Assert.That(image.Tag, Is.EqualTo("3.8"));
        Assert.That(image.Reference, Is.EqualTo(Digest));
    }

    [Test]
    public void Should_parse_bracketed_ipv6_registry()
    {
        var image = ImageReference.Parse("[::1]:5000/python:3.8");

        Assert.That(image.Registry, Is.EqualTo("[::1]:5000"));
        Assert.That(image.Repository, Is.EqualTo("python"));
    }

    [TestCase("127.0.0.1:5000/python:3.8")]
    [TestCase("localhost/python:3.8")]
    [TestCase("ghcr.io/org/team/python:3.8.t1-amd64")]
    [TestCase("registry.example.com:443/a_b/c-d/e.f:latest")]
    [TestCase("127.0.0.1:5000/python@" + Digest)]
    [TestCase("127.0.0.1:5000/python:3.8@" + Digest)]
    public void Should_round_trip_through_ToString(string value)
    {
        Assert.That(ImageReference.Parse(value).ToString(), Is.EqualTo(value));
    }

    [Test]
    public void Should_compose_references_with_tag_and_digest()
    {
        var image = new ImageReference("127.0.0.1:5000", "python", "3.8");

        Assert.That(image.ToString(), Is.EqualTo("127.0.0.1:5000/python:3.8"));
        Assert.That(image.WithTag("3.8-amd64").ToString(), Is.EqualTo("127.0.0.1:5000/python:3.8-amd64"));
        Assert.That(image.WithDigest(Digest).ToString(), Is.EqualTo($"127.0.0.1:5000/python@{Digest}"));
        Assert.That(ImageReference.Parse("127.0.0.1:5000/python:3.8"), Is.EqualTo(image));
    }

    [Test]
    public void Should_require_a_tag_or_digest_when_composing()
    {
        var error = Assert.Throws<FormatException>(() => new ImageReference("127.0.0.1:5000", "python"))!;

        Assert.That(error.Message, Does.StartWith("'127.0.0.1:5000/python' has neither a :tag nor an @sha256: digest"));
    }

    [TestCase("", "empty")]
    [TestCase("python:3.8", "names no registry host")]
    [TestCase("library/python:3.8", "names no registry host")]
    [TestCase("127.0.0.1:5000/python", "neither a :tag nor an @sha256: digest")]
    [TestCase("127.0.0.1:5000/Python:3.8", "must be lowercase")]
    [TestCase("127.0.0.1:5000/python:", "tag ''")]
    [TestCase("127.0.0.1:5000/python:.hidden", "tag '.hidden'")]
    [TestCase("127.0.0.1:5000/python@sha256:abc", "digest 'sha256:abc'")]
    [TestCase("127.0.0.1:99999/python:3.8", "not in 1-65535")]
    [TestCase("127.0.0.1:5000//python:3.8", "repository '/python'")]
    [TestCase("127.0.0.1:5000/python:3.8 ", "whitespace")]
    [TestCase("bad_host.example.com/python:3.8", "registry 'bad_host.example.com'")]
    public void Should_reject_bad_references_naming_the_value(string value, string problem)
    {
        var error = Assert.Throws<FormatException>(() => ImageReference.Parse(value))!;

        Assert.That(error.Message, Does.Contain($"'{value}'"));
        Assert.That(error.Message, Does.Contain(problem));
        Assert.That(ImageReference.TryParse(value, out var parsed), Is.False);
        Assert.That(parsed, Is.Null);
    }
}
