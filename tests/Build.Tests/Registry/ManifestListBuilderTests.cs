using System.Text;
using Build.Registry;
using NUnit.Framework;
using static Build.Tests.Registry.Fixtures;

namespace Build.Tests.Registry;

public class ManifestListBuilderTests
{
    [Test]
    public void Should_compose_docker_manifest_list_when_all_children_are_docker_manifests()
    {
        var list = new ManifestListBuilder().Add(DockerImage('a', 528), Amd64).Build();

        Assert.That(list.MediaType, Is.EqualTo(MediaTypes.DockerManifestList));
        Assert.That(Encoding.UTF8.GetString(list.Body), Is.EqualTo(
            """{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[""" +
            $$"""{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":528,"digest":"{{Digest('a')}}","platform":{"architecture":"amd64","os":"linux"}""" + "}" +
            "]}"));
    }

    [Test]
    public void Should_compose_oci_index_when_children_are_oci_manifests()
    {
        var list = new ManifestListBuilder().Add(Oci('a'), Amd64).Add(Oci('b'), Arm64V8).Build();

        Assert.That(list.MediaType, Is.EqualTo(MediaTypes.OciIndex));
        Assert.That(Encoding.UTF8.GetString(list.Body), Does.StartWith(
            """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","""));
    }

    [Test]
    public void Should_compose_oci_index_when_children_are_mixed()
    {
        var list = new ManifestListBuilder().Add(DockerImage('a'), Amd64).Add(Oci('b'), Arm64V8).Build();

        Assert.That(list.MediaType, Is.EqualTo(MediaTypes.OciIndex));
        Assert.That(list.Descriptors().Select(d => d.MediaType), Is.EqualTo(new[] { MediaTypes.DockerManifest, MediaTypes.OciManifest }));
    }

    [Test]
    public void Should_sort_entries_by_platform_whatever_the_order_added()
    {
        var forward = ManifestListBuilder.Build([(DockerImage('a'), Amd64), (DockerImage('b'), Arm64V8), (DockerImage('c'), Arm32V7)]);
        var backward = ManifestListBuilder.Build([(DockerImage('c'), Arm32V7), (DockerImage('b'), Arm64V8), (DockerImage('a'), Amd64)]);

        Assert.That(forward.Body, Is.EqualTo(backward.Body));
        Assert.That(forward.Descriptors().Select(d => d.Platform!.ToString()), Is.EqualTo(new[] { "linux/amd64", "linux/arm/v7", "linux/arm64/v8" }));
    }

    [Test]
    public void Should_omit_variant_for_amd64()
    {
        var list = new ManifestListBuilder().Add(DockerImage('a'), Amd64).Build();

        Assert.That(Encoding.UTF8.GetString(list.Body), Does.Not.Contain("variant"));
        Assert.That(list.Descriptors()[0].Platform, Is.EqualTo(Amd64));
    }

    [Test]
    public void Should_emit_variant_for_arm64v8()
    {
        var list = new ManifestListBuilder().Add(DockerImage('b'), Arm64V8).Build();

        Assert.That(Encoding.UTF8.GetString(list.Body), Does.Contain("""
            "platform":{"architecture":"arm64","os":"linux","variant":"v8"}
            """));
        Assert.That(list.Descriptors()[0].Platform, Is.EqualTo(Arm64V8));
    }

    [Test]
    public void Should_keep_size_and_digest_of_each_child()
    {
        var list = new ManifestListBuilder().Add(DockerImage('a', 528), Amd64).Add(DockerImage('b', 1075), Arm64V8).Build();

        Assert.That(list.Descriptors(), Is.EqualTo(new[]
        {
            new ManifestDescriptor(MediaTypes.DockerManifest, Digest('a'), 528, Amd64),
            new ManifestDescriptor(MediaTypes.DockerManifest, Digest('b'), 1075, Arm64V8),
        }));
    }

    [Test]
    public void Should_give_the_digest_of_the_body()
    {
        var list = new ManifestListBuilder().Add(DockerImage('a'), Amd64).Build();

        Assert.That(list.Digest, Is.EqualTo(Digests.Sha256(list.Body)));
        Assert.That(list.IsIndex, Is.True);
    }

    [Test]
    public void Should_reject_the_same_platform_twice()
    {
        var builder = new ManifestListBuilder().Add(DockerImage('a'), Amd64);

        var error = Assert.Throws<ArgumentException>(() => builder.Add(DockerImage('b'), new("linux", "amd64")))!;

        Assert.That(error.Message, Does.StartWith($"Platform linux/amd64 is listed twice: {Digest('a')} and {Digest('b')}."));
    }

    [Test]
    public void Should_reject_a_child_that_is_itself_an_index()
    {
        var child = new ManifestDescriptor(MediaTypes.OciIndex, Digest('a'), 900);

        var error = Assert.Throws<ArgumentException>(() => new ManifestListBuilder().Add(child, Amd64))!;

        Assert.That(error.Message, Does.Contain("SelectPlatformManifest"));
    }

    [Test]
    public void Should_reject_an_empty_list()
    {
        Assert.Throws<InvalidOperationException>(() => new ManifestListBuilder().Build());
    }
}
