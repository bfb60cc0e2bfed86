using Build.Aws;
using Build.Images;
using Build.Registry;
using Build.Steps.LogInToRegistry;
using Build.Steps.PublishArchImage;
using Build.Tests.Registry;
using Build.Tests.Support;
using Cake.Core;

namespace Build.Tests.Steps.PublishArchImage;

/// <summary>
/// PushImage's branches in-process, against a real registry: a reused image is tagged without a push, an immutable tag
/// that holds the image is left alone (and one that holds another image is an error), a push is checked against the
/// registry, and ECR's renewed token logs docker in again before the push. Docker itself is a fake: what it "pushes"
/// is put into the registry with plain HTTP calls.
/// </summary>
public sealed class ArchImagePublisherTests : RegistryStepTests
{
    private static readonly Architecture Amd64 = Architectures.Find("amd64")!;
    private static readonly ImageTarget Target = new(new ImageEntry("3.12", "/d/python3.12.Dockerfile", [Amd64], new Dictionary<string, string>()), Amd64);

    [Test]
    public async Task Should_tag_a_reused_image_in_theRegistry_without_pushing()
    {
        var (tags, client, docker, log) = Arrange();
        var image = TestImage.Create(Amd64.Platform, label: "reused");
        await image.PushAsync(Registry, tags.Repository, "inputs-1234");

        var published = await new ArchImagePublisher(client, tags, docker, log).PublishAsync(Target, reusedInputsTag: "inputs-1234");

        Assert.That(published, Is.EqualTo(new PublishedArchImage(tags.Reference("3.12.t1-amd64"), image.Digest, ArchImagePublication.Tagged)));
        Assert.That((await client.HeadManifestAsync(tags.Repository, "3.12.t1-amd64"))?.Digest, Is.EqualTo(image.Digest));
        Assert.That(docker.Calls, Is.Empty);
        Assert.That(log.Lines, Does.Contain($"Tagged {tags.Reference("3.12.t1-amd64")} {image.Digest} in the registry from inputs-1234: no layer pulled or pushed"));
    }

    [Test]
    public async Task Should_push_nothing_when_an_immutable_tag_already_holds_the_image()
    {
        var (tags, client, docker, log) = Arrange();
        var image = TestImage.Create(Amd64.Platform, label: "already");
        await image.PushAsync(Registry, tags.Repository, "3.12.t1-amd64");
        docker.RepoDigests[tags.Reference("3.12.t1-amd64")] = [$"{tags.Name}@{image.Digest}"];

        var published = await new ArchImagePublisher(client, tags, docker, log, immutableTags: true).PublishAsync(Target, reusedInputsTag: null);

        Assert.That(published, Is.EqualTo(new PublishedArchImage(tags.Reference("3.12.t1-amd64"), image.Digest, ArchImagePublication.AlreadyThere)));
        Assert.That(docker.Calls, Is.EqualTo(new[] { $"inspect {tags.Reference("3.12.t1-amd64")}" }));
        Assert.That(log.Lines, Does.Contain($"{tags.Reference("3.12.t1-amd64")} already holds this image (immutable tag): nothing to push"));
    }

    [Test]
    public async Task Should_refuse_to_push_when_an_immutable_tag_holds_another_image()
    {
        var (tags, client, docker, log) = Arrange();
        var other = TestImage.Create(Amd64.Platform, label: "someone else's");
        await other.PushAsync(Registry, tags.Repository, "3.12.t1-amd64");
        docker.Pushes[tags.Reference("3.12.t1-amd64")] = TestImage.Create(Amd64.Platform, label: "ours");

        var error = Assert.ThrowsAsync<CakeException>(() => new ArchImagePublisher(client, tags, docker, log, immutableTags: true).PublishAsync(Target, reusedInputsTag: null));

        Assert.That(error!.Message, Does.Contain("is IMMUTABLE and its tag '3.12.t1-amd64' already holds " + other.Digest));
        Assert.That(docker.Calls.Where(c => c.StartsWith("push", StringComparison.Ordinal)), Is.Empty);
        Assert.That((await client.HeadManifestAsync(tags.Repository, "3.12.t1-amd64"))?.Digest, Is.EqualTo(other.Digest));
    }

    [Test]
    public async Task Should_push_record_the_reported_digest_and_set_the_inputs_tag_last()
    {
        var (tags, client, docker, log) = Arrange();
        var image = TestImage.Create(Amd64.Platform, label: "new");
        docker.Pushes[tags.Reference("3.12.t1-amd64")] = image;
        var publisher = new ArchImagePublisher(client, tags, docker, log);

        var published = await publisher.PublishAsync(Target, reusedInputsTag: null);
        var inputsBefore = await client.HeadManifestAsync(tags.Repository, "inputs-5678");
        await publisher.MarkInputsAsync(published.Digest, "inputs-5678");

        Assert.That(published, Is.EqualTo(new PublishedArchImage(tags.Reference("3.12.t1-amd64"), image.Digest, ArchImagePublication.Pushed)));
        Assert.That(docker.Calls, Is.EqualTo(new[] { $"push {tags.Reference("3.12.t1-amd64")}" }));
        Assert.That(inputsBefore, Is.Null);
        Assert.That((await client.HeadManifestAsync(tags.Repository, "inputs-5678"))?.Digest, Is.EqualTo(image.Digest));
        Assert.That(log.Lines, Does.Contain($"Pushed {tags.Reference("3.12.t1-amd64")} {image.Digest}"));
    }

    [Test]
    public async Task Should_fail_when_the_tag_no_longer_holds_what_the_push_reported()
    {
        var (tags, client, docker, log) = Arrange();
        var ours = TestImage.Create(Amd64.Platform, label: "ours");
        var theirs = TestImage.Create(Amd64.Platform, label: "theirs");
        docker.Pushes[tags.Reference("3.12.t1-amd64")] = ours;
        docker.AfterPush = () => theirs.PushAsync(Registry, tags.Repository, "3.12.t1-amd64").GetAwaiter().GetResult();

        var error = Assert.ThrowsAsync<CakeException>(() => new ArchImagePublisher(client, tags, docker, log).PublishAsync(Target, reusedInputsTag: null));

        Assert.That(error!.Message, Does.StartWith($"docker push reported {tags.Reference("3.12.t1-amd64")} as {ours.Digest}, but the registry's tag now holds {theirs.Digest}"));
    }

    [Test]
    public async Task Should_log_docker_in_again_before_the_push_when_ecr_renewed_the_token()
    {
        var (tags, client, docker, log) = Arrange();
        docker.Pushes[tags.Reference("3.12.t1-amd64")] = TestImage.Create(Amd64.Platform, label: "relogin");
        var clock = new SettableClock(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var fetched = 0;
        var tokens = new EcrTokenCache(
            _ => Task.FromResult(new EcrToken(new RegistryCredentials("AWS", $"token-{++fetched}"), clock.GetUtcNow().AddHours(12), $"https://{Registry.Address}")),
            clock);
        var login = new EcrDockerLogin(tokens, docker, Registry.Address);
        await login.LoginAsync();
        clock.Now = clock.Now.AddHours(12);

        await new ArchImagePublisher(client, tags, docker, log, ecrLogin: login).PublishAsync(Target, reusedInputsTag: null);

        Assert.That(docker.Calls, Is.EqualTo(new[] { $"login {Registry.Address} token-1", $"login {Registry.Address} token-2", $"push {tags.Reference("3.12.t1-amd64")}" }));
        Assert.That(login.LoggedInWith?.Credentials.Password, Is.EqualTo("token-2"));
    }

    [Test]
    public async Task Should_not_log_in_again_while_the_token_is_the_same()
    {
        var (tags, client, docker, log) = Arrange();
        docker.Pushes[tags.Reference("3.12.t1-amd64")] = TestImage.Create(Amd64.Platform, label: "same token");
        var fetched = 0;
        var tokens = new EcrTokenCache(_ => Task.FromResult(new EcrToken(new RegistryCredentials("AWS", $"token-{++fetched}"), DateTimeOffset.UtcNow.AddHours(12), $"https://{Registry.Address}")));
        var login = new EcrDockerLogin(tokens, docker, Registry.Address);
        await login.LoginAsync();

        await new ArchImagePublisher(client, tags, docker, log, ecrLogin: login).PublishAsync(Target, reusedInputsTag: null);

        Assert.That(docker.Calls, Is.EqualTo(new[] { $"login {Registry.Address} token-1", $"push {tags.Reference("3.12.t1-amd64")}" }));
    }

    private (ImageTags Tags, RegistryClient Client, FakeImageDocker Docker, RecordingLog Log) Arrange()
    {
        var tags = new ImageTags(Registry.Address, NewRepository("publisher"), "t1");
        return (tags, Registry.CreateClient(), new FakeImageDocker(Registry, tags.Repository), new RecordingLog());
    }

    /// <summary>docker's side of publishing: inspect answers what the test set, push uploads the test's image with HTTP calls.</summary>
    private sealed class FakeImageDocker(LocalRegistry registry, string repository) : IImageDocker, IDockerLogin
    {
        public List<string> Calls { get; } = [];

        public Dictionary<string, IReadOnlyList<string>> RepoDigests { get; } = [];

        public Dictionary<string, TestImage> Pushes { get; } = [];

        public Action? AfterPush { get; set; }

        IReadOnlyList<string> IImageDocker.RepoDigests(string reference)
        {
            Calls.Add($"inspect {reference}");
            return RepoDigests.GetValueOrDefault(reference, []);
        }

        public string? Push(string reference)
        {
            Calls.Add($"push {reference}");
            var digest = Pushes[reference].PushAsync(registry, repository, reference[(reference.LastIndexOf(':') + 1)..]).GetAwaiter().GetResult();
            AfterPush?.Invoke();
            return digest;
        }

        public void Login(string server, RegistryCredentials credentials) => Calls.Add($"login {server} {credentials.Password}");
    }

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
