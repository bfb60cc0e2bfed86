using System.Net;
using System.Text;
using Build.Images;
using Build.Registry;
using NUnit.Framework;
using static Build.Tests.Registry.Fixtures;

namespace Build.Tests.Registry;

/// <summary>RegistryClient against a real docker-registry started on 127.0.0.1 (skipped when it is not installed).</summary>
[NonParallelizable]
public class RegistryClientIntegrationTests
{
    private LocalRegistry _registry = null!;
    private readonly List<string> _log = [];

    [OneTimeSetUp]
    public async Task StartRegistry()
    {
        LocalRegistry.RequireInstalled();
        _registry = await LocalRegistry.StartAsync();
    }

    [OneTimeTearDown]
    public void StopRegistry() => _registry?.Dispose();

    [SetUp]
    public void ClearLog() => _log.Clear();

    [Test]
    public void Should_check_that_the_registry_answers()
    {
        using var client = _registry.CreateClient(log: _log.Add);

        Assert.DoesNotThrowAsync(() => client.CheckAsync());
        Assert.That(_log, Is.EqualTo(new[] { $"GET http://{_registry.Address}/v2/ → 200" }));
    }

    [Test]
    public async Task Should_put_head_and_get_the_same_digest()
    {
        var image = TestImage.Create(Amd64, label: "roundtrip");
        await image.PushBlobsAsync(_registry, "python");
        using var client = _registry.CreateClient(log: _log.Add);

        var put = await client.PutManifestAsync("python", "3.8.t1-amd64", image.MediaType, image.Body);
        var head = await client.HeadManifestAsync("python", "3.8.t1-amd64");
        var get = await client.GetManifestAsync("python", "3.8.t1-amd64");
        var byDigest = await client.GetManifestAsync("python", put);

        Assert.That(put, Is.EqualTo(image.Digest));
        Assert.That(head, Is.EqualTo(new ManifestDescriptor(MediaTypes.DockerManifest, image.Digest, image.Body.Length)));
        Assert.That(get!.Digest, Is.EqualTo(image.Digest));
        Assert.That(get.Body, Is.EqualTo(image.Body));
        Assert.That(get.MediaType, Is.EqualTo(MediaTypes.DockerManifest));
        Assert.That(byDigest!.Body, Is.EqualTo(image.Body));
        Assert.That(_log[0], Is.EqualTo($"PUT http://{_registry.Address}/v2/python/manifests/3.8.t1-amd64 → 201"));
    }

    [Test]
    public async Task Should_keep_oci_media_types()
    {
        var image = TestImage.Create(Arm64V8, MediaTypes.OciManifest, label: "oci");
        await image.PushAsync(_registry, "oci/python", "3.8-arm64v8");
        using var client = _registry.CreateClient();

        var head = await client.HeadManifestAsync("oci/python", "3.8-arm64v8");

        Assert.That(head, Is.EqualTo(new ManifestDescriptor(MediaTypes.OciManifest, image.Digest, image.Body.Length)));
    }

    [Test]
    public async Task Should_return_null_for_a_missing_tag_or_repository()
    {
        await TestImage.Create(Amd64, label: "missing").PushAsync(_registry, "python", "exists");
        using var client = _registry.CreateClient();

        Assert.That(await client.HeadManifestAsync("python", "no-such-tag"), Is.Null);
        Assert.That(await client.GetManifestAsync("python", "no-such-tag"), Is.Null);
        Assert.That(await client.HeadManifestAsync("no-such-repo", "3.8"), Is.Null);
        Assert.That(await client.GetManifestAsync("python", Digest('e')), Is.Null);
    }

    [Test]
    public async Task Should_refuse_a_list_whose_children_are_not_pushed()
    {
        var list = new ManifestListBuilder().Add(TestImage.Create(Amd64, label: "never-pushed").Descriptor, Amd64).Build();
        using var client = _registry.CreateClient();

        var error = Assert.ThrowsAsync<RegistryException>(() => client.PutManifestAsync("python", "orphan", list.MediaType, list.Body))!;

        Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(error.Message, Does.Contain($"Registry {_registry.Address} answered HTTP 400 (BadRequest) to PUT manifest python:orphan"));
        Assert.That(error.Message, Does.Contain("push the per-platform images"));
    }

    [TestCase(MediaTypes.DockerManifest, MediaTypes.DockerManifestList)]
    [TestCase(MediaTypes.OciManifest, MediaTypes.OciIndex)]
    public async Task Should_put_a_composed_list_that_reads_back_as_pushed(string childType, string listType)
    {
        var amd64 = TestImage.Create(Amd64, childType, label: "list-" + childType);
        var arm64 = TestImage.Create(Arm64V8, childType, label: "list-" + childType);
        var repository = childType == MediaTypes.OciManifest ? "lists/oci" : "lists/docker";
        using var client = _registry.CreateClient();
        var expected = new Dictionary<Platform, string>();
        var builder = new ManifestListBuilder();
        foreach (var (image, arch) in new[] { (amd64, "amd64"), (arm64, "arm64v8") })
        {
            var digest = await image.PushAsync(_registry, repository, $"3.8.t1-{arch}");
            var pushed = await client.HeadManifestAsync(repository, $"3.8.t1-{arch}");
            builder.Add(pushed!, image.Platform);
            expected[image.Platform] = digest;
        }

        var list = builder.Build();
        var put = await client.PutManifestAsync(repository, "3.8.t1", list.MediaType, list.Body);
        var readBack = await client.GetManifestAsync(repository, "3.8.t1");

        Assert.That(put, Is.EqualTo(list.Digest));
        Assert.That(readBack!.MediaType, Is.EqualTo(listType));
        Assert.That(readBack.Body, Is.EqualTo(list.Body));
        Assert.That(ManifestListVerifier.Verify(readBack, expected), Is.Empty);
        Assert.DoesNotThrow(() => ManifestListVerifier.ThrowIfInvalid($"{_registry.Address}/{repository}:3.8.t1", readBack, expected));
    }

    [Test]
    public async Task Should_list_the_platform_image_of_a_buildkit_style_index()
    {
        const string repository = "buildkit/python";
        var image = TestImage.Create(Amd64, MediaTypes.OciManifest, label: "buildkit");
        var attestation = TestImage.Create(Unknown, MediaTypes.OciManifest, label: "attestation");
        await image.PushAsync(_registry, repository, "image");
        await attestation.PushAsync(_registry, repository, "attestation");
        var index = ManifestListBuilder.Build([(image.Descriptor, Amd64), (attestation.Descriptor, Unknown)]);
        using var client = _registry.CreateClient();
        await client.PutManifestAsync(repository, "3.8-amd64", index.MediaType, index.Body);

        var pushed = await client.GetManifestAsync(repository, "3.8-amd64");
        var child = ManifestListBuilder.ResolvePlatformManifest(pushed!, Amd64);
        var list = new ManifestListBuilder().Add(child, Amd64).Build();
        await client.PutManifestAsync(repository, "3.8", list.MediaType, list.Body);

        Assert.That(child.Digest, Is.EqualTo(image.Digest));
        ManifestListVerifier.ThrowIfInvalid(
            $"{_registry.Address}/{repository}:3.8",
            await client.GetManifestAsync(repository, "3.8"),
            new Dictionary<Platform, string> { [Amd64] = image.Digest });
    }
}

/// <summary>RegistryClient against a real docker-registry behind htpasswd Basic auth.</summary>
[NonParallelizable]
public class RegistryClientAuthIntegrationTests
{
    private static readonly RegistryCredentials Login = new("builder", "s3cret-pa55");
    private LocalRegistry _registry = null!;

    [OneTimeSetUp]
    public async Task StartRegistry()
    {
        LocalRegistry.RequireInstalled(withAuth: true);
        _registry = await LocalRegistry.StartAsync(Login);
    }

    [OneTimeTearDown]
    public void StopRegistry() => _registry?.Dispose();

    [Test]
    public async Task Should_push_and_read_with_basic_auth()
    {
        var image = TestImage.Create(Amd64, label: "auth");
        await image.PushBlobsAsync(_registry, "python");
        using var client = _registry.CreateClient();

        var digest = await client.PutManifestAsync("python", "3.8-amd64", image.MediaType, image.Body);

        Assert.That(digest, Is.EqualTo(image.Digest));
        Assert.That((await client.HeadManifestAsync("python", "3.8-amd64"))!.Digest, Is.EqualTo(image.Digest));
    }

    [Test]
    public void Should_check_the_login()
    {
        using var good = _registry.CreateClient();
        using var bad = _registry.CreateClient(new RegistryCredentials("builder", "wrong-password"));

        Assert.DoesNotThrowAsync(() => good.CheckAsync());
        var error = Assert.ThrowsAsync<RegistryException>(() => bad.CheckAsync())!;
        Assert.That(error.Message, Is.EqualTo(
            $"Registry {_registry.Address} answered HTTP 401 (Unauthorized) to GET the API root /v2/: UNAUTHORIZED: authentication required. " +
            $"The credentials for user 'builder' were refused: check credentials / docker login {_registry.Address}."));
    }

    [Test]
    public void Should_name_401_for_a_wrong_password()
    {
        var log = new List<string>();
        using var client = _registry.CreateClient(new RegistryCredentials("builder", "wrong-password"), log.Add);

        var error = Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("python", "3.8"))!;

        Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(error.Message, Does.StartWith($"Registry {_registry.Address} answered HTTP 401 (Unauthorized) to GET manifest python:3.8: UNAUTHORIZED"));
        Assert.That(error.Message, Does.Contain("check credentials / docker login"));
        Assert.That(error.Message + string.Join("\n", log), Does.Not.Contain("wrong-password"));
    }

    [Test]
    public async Task Should_use_dockers_login_and_say_where_it_came_from_when_refused()
    {
        var config = Directory.CreateTempSubdirectory("registry-docker-config-").FullName;
        try
        {
            var environment = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config, ["PATH"] = "/usr/bin:/bin" };
            var path = Path.Combine(config, "config.json");
            string Auth(string password) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Login.Username}:{password}"));

            File.WriteAllText(path, AuthsFor(_registry.Address, Auth(Login.Password)));
            using (var good = new RegistryClient(_registry.Address, new Build.Context.RegistryLogin(_registry.Address, null, environment.GetValueOrDefault)))
            {
                Assert.DoesNotThrowAsync(() => good.CheckAsync());
            }

            File.WriteAllText(path, AuthsFor(_registry.Address, Auth("stale-password")));
            using var stale = new RegistryClient(_registry.Address, new Build.Context.RegistryLogin(_registry.Address, null, environment.GetValueOrDefault));
            var refused = Assert.ThrowsAsync<RegistryException>(() => stale.CheckAsync())!;

            File.WriteAllText(path, "{}");
            using var none = new RegistryClient(_registry.Address, new Build.Context.RegistryLogin(_registry.Address, null, environment.GetValueOrDefault));
            var missing = Assert.ThrowsAsync<RegistryException>(() => none.HeadManifestAsync("python", "3.8"))!;

            using var variables = new RegistryClient(_registry.Address, new Build.Context.RegistryLogin(_registry.Address, Login with { Password = "wrong" }, environment.GetValueOrDefault));
            var fromVariables = Assert.ThrowsAsync<RegistryException>(() => variables.CheckAsync())!;

            Assert.That(refused.Message, Does.Contain($"The credentials for user 'builder' (from {path} (auths)) were refused: log in with `docker login {_registry.Address}`"));
            Assert.That(missing.Message, Does.Contain("no credentials were given: log in with `docker login " + _registry.Address + "` (this build reads docker's login from " + path)
                .And.Contain("or set REGISTRY_USERNAME and REGISTRY_PASSWORD"));
            Assert.That(fromVariables.Message, Does.Contain("(from REGISTRY_USERNAME/REGISTRY_PASSWORD) were refused: check REGISTRY_USERNAME and REGISTRY_PASSWORD"));
            Assert.That(refused.Message + missing.Message + fromVariables.Message, Does.Not.Contain("stale-password").And.Not.Contain(Login.Password));
            await Task.CompletedTask;
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }

    private static string AuthsFor(string registry, string auth) =>
        new System.Text.Json.Nodes.JsonObject { ["auths"] = new System.Text.Json.Nodes.JsonObject { [registry] = new System.Text.Json.Nodes.JsonObject { ["auth"] = auth } } }.ToJsonString();

    [Test]
    public void Should_ask_for_a_login_without_credentials()
    {
        using var client = new RegistryClient(_registry.Address);

        var error = Assert.ThrowsAsync<RegistryException>(() => client.HeadManifestAsync("python", "3.8"))!;

        Assert.That(error.Message, Does.Contain("requires a login (Basic realm=\"test\")"));
    }

    [Test]
    public async Task Should_give_raw_http_clients_the_login()
    {
        using var http = _registry.CreateHttpClient();
        using var response = await http.GetAsync("v2/");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()), Is.EqualTo("{}"));
    }
}
