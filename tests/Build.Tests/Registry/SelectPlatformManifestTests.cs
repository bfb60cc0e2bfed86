using Build.Images;
using Build.Registry;
using NUnit.Framework;
using static Build.Tests.Registry.Fixtures;

namespace Build.Tests.Registry;

public class SelectPlatformManifestTests
{
    [Test]
    public void Should_pick_the_platform_entry_and_ignore_the_attestation()
    {
        var index = BuildKitIndex(Amd64, image: 'a', attestation: 'f');

        var selected = ManifestListBuilder.SelectPlatformManifest(index, Amd64);

        Assert.That(selected, Is.EqualTo(new ManifestDescriptor(MediaTypes.OciManifest, Digest('a'), 1234, Amd64)));
    }

    [Test]
    public void Should_match_arm64_without_variant_when_v8_is_wanted()
    {
        var index = BuildKitIndex(new Platform("linux", "arm64"), image: 'b', attestation: 'f');

        Assert.That(ManifestListBuilder.SelectPlatformManifest(index, Arm64V8).Digest, Is.EqualTo(Digest('b')));
    }

    [Test]
    public void Should_not_match_another_variant()
    {
        var index = BuildKitIndex(new Platform("linux", "arm", "v6"), image: 'b', attestation: 'f');

        var error = Assert.Throws<RegistryException>(() => ManifestListBuilder.SelectPlatformManifest(index, Arm32V7))!;

        Assert.That(error.Message, Is.EqualTo($"Index {index.Digest} has no image for linux/arm/v7; it lists: linux/arm/v6, unknown/unknown."));
    }

    [Test]
    public void Should_name_the_platform_when_the_index_lacks_it()
    {
        var index = BuildKitIndex(Amd64, image: 'a', attestation: 'f');

        var error = Assert.Throws<RegistryException>(() => ManifestListBuilder.SelectPlatformManifest(index, Arm64V8))!;

        Assert.That(error.Message, Does.Contain("has no image for linux/arm64/v8"));
    }

    [Test]
    public void Should_resolve_an_image_manifest_to_itself()
    {
        var image = Json(MediaTypes.DockerManifest, """{"schemaVersion":2}""");

        Assert.That(ManifestListBuilder.ResolvePlatformManifest(image, Amd64), Is.EqualTo(image.ToDescriptor()));
    }

    [Test]
    public void Should_resolve_an_index_to_its_platform_entry()
    {
        var index = BuildKitIndex(Amd64, image: 'a', attestation: 'f');

        Assert.That(ManifestListBuilder.ResolvePlatformManifest(index, Amd64).Digest, Is.EqualTo(Digest('a')));
    }
}
