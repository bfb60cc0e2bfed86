using Build.Images;

namespace Build.Tests.Images;

public sealed class ImageTagsTests
{
    private static readonly ImageEntry Entry = new("3.8", "/d/python3.8.Dockerfile", [Architectures.Find("arm64v8")!], new Dictionary<string, string>());

    [Test]
    public void Should_tag_arch_images_as_version_suffix_arch()
    {
        var tags = new ImageTags("127.0.0.1:5000", "python", "t1");

        Assert.That(tags.Reference(tags.ArchTag(new ImageTarget(Entry, Architectures.Find("arm64v8")!))), Is.EqualTo("127.0.0.1:5000/python:3.8.t1-arm64v8"));
    }

    [Test]
    public void Should_publish_the_manifest_list_under_the_suffixed_and_the_floating_tag()
    {
        var tags = new ImageTags("127.0.0.1:5000", "python", "t1");

        Assert.That(tags.ManifestTags("3.8").Select(tags.Reference), Is.EqualTo(new[] { "127.0.0.1:5000/python:3.8.t1", "127.0.0.1:5000/python:3.8" }));
    }

    [Test]
    public void Should_name_local_images_without_a_registry()
    {
        var tags = new ImageTags(null, "python", "abc1234");

        Assert.That(tags.Reference("3.8.abc1234-amd64"), Is.EqualTo("python:3.8.abc1234-amd64"));
    }

    [TestCase("amd64", "linux/amd64")]
    [TestCase("arm64v8", "linux/arm64/v8")]
    public void Should_map_arch_names_to_platforms(string arch, string platform) =>
        Assert.That(Architectures.Find(arch)!.Platform.ToString(), Is.EqualTo(platform));

    [Test]
    public void Should_keep_the_variant_apart_from_the_architecture()
    {
        var platform = Architectures.Find("arm64v8")!.Platform;

        Assert.That((platform.Os, platform.Architecture, platform.Variant), Is.EqualTo(("linux", "arm64", "v8")));
    }
}
