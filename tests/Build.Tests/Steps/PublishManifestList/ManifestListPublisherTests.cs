using Build.Images;
using Build.Registry;
using Build.Steps.PublishManifestList;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Steps.PublishManifestList;

/// <summary>The manifest-list step in-process against a real registry: put under each tag, read back, verified; an immutable tag left alone.</summary>
public sealed class ManifestListPublisherTests : RegistryStepTests
{
    private static readonly Platform Amd64 = Architectures.Find("amd64")!.Platform;
    private static readonly Platform Arm64 = Architectures.Find("arm64v8")!.Platform;

    [Test]
    public async Task Should_put_the_list_under_every_tag_with_each_platform_pointing_at_its_image()
    {
        var repository = NewRepository("lists");
        var (amd64, arm64) = (TestImage.Create(Amd64), TestImage.Create(Arm64));
        await amd64.PushAsync(Registry, repository, "3.12.t1-amd64");
        await arm64.PushAsync(Registry, repository, "3.12.t1-arm64v8");
        using var client = Registry.CreateClient();
        var log = new RecordingLog();
        var (list, expected) = ManifestListPublisher.Compose([(amd64.Descriptor, Amd64), (arm64.Descriptor, Arm64)]);

        var digest = await new ManifestListPublisher(client, repository, $"{Registry.Address}/{repository}", log).PublishAsync(["3.12.t1", "3.12"], list, expected, "Pushed");

        Assert.That(digest, Is.EqualTo(list.Digest));
        foreach (var tag in new[] { "3.12.t1", "3.12" })
        {
            var held = await client.GetManifestAsync(repository, tag);
            Assert.That(held?.Digest, Is.EqualTo(list.Digest));
            Assert.That(held!.Descriptors().ToDictionary(d => d.Platform!, d => d.Digest), Is.EquivalentTo(new Dictionary<Platform, string> { [Amd64] = amd64.Digest, [Arm64] = arm64.Digest }));
            Assert.That(log.Lines, Does.Contain($"Pushed and verified {Registry.Address}/{repository}:{tag} {list.Digest}"));
        }
    }

    [Test]
    public async Task Should_fail_naming_the_platform_when_theRegistry_holds_another_list_after_the_put()
    {
        var repository = NewRepository("lists");
        var amd64 = TestImage.Create(Amd64);
        await amd64.PushAsync(Registry, repository, "3.12.t1-amd64");
        using var client = Registry.CreateClient();
        var (list, _) = ManifestListPublisher.Compose([(amd64.Descriptor, Amd64)]);
        var wrong = new Dictionary<Platform, string> { [Amd64] = amd64.Digest, [Arm64] = Digests.Sha256([1, 2, 3]) };

        var error = Assert.ThrowsAsync<RegistryException>(() => new ManifestListPublisher(client, repository, repository, new RecordingLog()).PublishAsync(["3.12"], list, wrong, "Pushed"));

        Assert.That(error!.Message, Does.Contain(Arm64.ToString()));
    }

    [Test]
    public async Task Should_leave_an_immutable_tag_that_already_holds_the_list()
    {
        var repository = NewRepository("lists");
        var amd64 = TestImage.Create(Amd64);
        await amd64.PushAsync(Registry, repository, "3.12.t1-amd64");
        using var client = Registry.CreateClient();
        var (list, expected) = ManifestListPublisher.Compose([(amd64.Descriptor, Amd64)]);
        await client.PutManifestAsync(repository, "3.12", list);
        var log = new RecordingLog();

        var digest = await new ManifestListPublisher(client, repository, repository, log, immutableTags: true).PublishAsync(["3.12"], list, expected, "Pushed");

        Assert.That(digest, Is.EqualTo(list.Digest));
        Assert.That(log.Lines, Does.Contain($"{repository}:3.12 already holds this manifest list (immutable tag): nothing to push"));
    }
}
