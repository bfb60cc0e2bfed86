using Build.Registry;
using NUnit.Framework;
using static Build.Tests.Registry.Fixtures;

namespace Build.Tests.Registry;

public class ManifestTests
{
    [TestCase(MediaTypes.DockerManifestList, true)]
    [TestCase(MediaTypes.OciIndex, true)]
    [TestCase(MediaTypes.DockerManifest, false)]
    [TestCase(MediaTypes.OciManifest, false)]
    public void Should_tell_lists_from_image_manifests(string mediaType, bool isIndex)
    {
        Assert.That(Json(mediaType, "{}").IsIndex, Is.EqualTo(isIndex));
    }

    [Test]
    public void Should_parse_entries_with_platforms_in_body_order()
    {
        var index = BuildKitIndex(Arm64V8, image: 'b', attestation: 'f');

        Assert.That(index.Descriptors(), Is.EqualTo(new[]
        {
            new ManifestDescriptor(MediaTypes.OciManifest, Digest('b'), 1234, Arm64V8),
            new ManifestDescriptor(MediaTypes.OciManifest, Digest('f'), 566, Unknown),
        }));
        Assert.That(index.Descriptors().Select(d => d.IsAttestation), Is.EqualTo(new[] { false, true }));
    }

    [Test]
    public void Should_report_a_malformed_list_naming_its_digest()
    {
        var index = Json(MediaTypes.OciIndex, """{"manifests":[{"digest":"x"}]}""");

        var error = Assert.Throws<FormatException>(() => index.Descriptors())!;

        Assert.That(error.Message, Does.StartWith($"Manifest list {index.Digest} ({MediaTypes.OciIndex}) is malformed"));
    }

    [Test]
    public void Should_refuse_entries_of_an_image_manifest()
    {
        Assert.Throws<InvalidOperationException>(() => Json(MediaTypes.DockerManifest, "{}").Descriptors());
    }
}
