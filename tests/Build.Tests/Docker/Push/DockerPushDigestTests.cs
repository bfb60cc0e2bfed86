using Build.Docker.Push;

namespace Build.Tests.Docker.Push;

/// <summary>The digest docker push reports for the tag it pushed, as the 20.10 and 28.x CLIs print it.</summary>
public sealed class DockerPushDigestTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Test]
    public void Should_read_the_digest_line_of_the_pushed_tag()
    {
        string[] output =
        [
            "The push refers to repository [127.0.0.1:5000/python]",
            "5f70bf18a086: Layer already exists",
            $"3.11.t1-amd64: digest: {Digest} size: 528",
        ];

        Assert.That(DockerImagePusher.ReportedDigest(output, "127.0.0.1:5000/python:3.11.t1-amd64"), Is.EqualTo(Digest));
    }

    [Test]
    public void Should_ignore_a_digest_line_of_another_tag_and_say_when_there_is_none()
    {
        string[] output = [$"3.11.t1-arm64v8: digest: {Digest} size: 528"];

        Assert.That(DockerImagePusher.ReportedDigest(output, "127.0.0.1:5000/python:3.11.t1-amd64"), Is.Null);
        Assert.That(DockerImagePusher.ReportedDigest([], "127.0.0.1:5000/python:3.11.t1-amd64"), Is.Null);
    }
}
