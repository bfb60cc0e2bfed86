using System.Text.Json;
using System.Text.RegularExpressions;
using Build.Images;
using Build.Registry;
using Build.Tests.Aws.Emulator;
using Build.Tests.Integration;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Aws;

/// <summary>
/// The CodeBuild batch in ECR mode with a real dockerd: no --registry and no AWS_ACCOUNT_ID, fixed credentials and
/// AWS_ENDPOINT_URL pointing at the emulator, whose tokens log in to a real registry behind htpasswd (user AWS).
/// One PushImage run per arch, then PushManifest with promotion to a second ("public") registry.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class EcrEndToEndTests
{
    private const string AccessKey = "AKIAEMULATOR0000002";
    private const string SecretKey = "emulator/secret+key0000000000000000000002";
    private const string Version = "3.11";
    private static readonly string[] Arches = ["amd64", "arm64v8"];

    private LocalRegistry _base = null!;
    private LocalRegistry _registry = null!;
    private LocalRegistry _public = null!;
    private AwsEmulator _aws = null!;
    private string _matrixDirectory = null!;
    private string _matrix = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        LocalRegistry.RequireInstalled(withAuth: true);
        _base = await LocalRegistry.StartAsync();
        var baseImage = DebianBase.PublishTo(_base);
        _registry = await LocalRegistry.StartAsync(new RegistryCredentials("AWS", "ecr-token-" + Guid.NewGuid().ToString("N")));
        _public = await LocalRegistry.StartAsync(new RegistryCredentials("AWS", "ecr-public-token-" + Guid.NewGuid().ToString("N")));
        _aws = await AwsEmulator.StartAsync(AccessKey, SecretKey, account: "210987654321");
        _aws.ProxyEndpoint = $"http://{_registry.Address}";
        _aws.RegistryPassword = _registry.Credentials!.Password;
        _aws.PublicRegistryPassword = _public.Credentials!.Password;

        _matrixDirectory = Directory.CreateTempSubdirectory("ecr-e2e-matrix-").FullName;
        File.Copy(Path.Combine(BuildProgram.RepositoryRoot, "tests", "Build.Tests", "Integration", "Images", "python.Dockerfile"), Path.Combine(_matrixDirectory, "python.Dockerfile"));
        _matrix = Path.Combine(_matrixDirectory, "images.json");
        File.WriteAllText(_matrix, JsonSerializer.Serialize(new
        {
            repository = "python",
            images = new[] { new { version = Version, dockerfile = "python.Dockerfile", architectures = Arches, buildArgs = new Dictionary<string, string> { ["BASE_IMAGE"] = baseImage } } },
        }));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _base?.Dispose();
        _registry?.Dispose();
        _public?.Dispose();
        if (_aws is not null)
        {
            await _aws.DisposeAsync();
        }

        if (_matrixDirectory is not null)
        {
            Directory.Delete(_matrixDirectory, recursive: true);
        }
    }

    [Test]
    public async Task Should_run_the_batch_through_ecr_and_promote_it_without_showing_the_token()
    {
        var userConfig = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker", "config.json");
        var userConfigBefore = File.Exists(userConfig) ? File.ReadAllText(userConfig) : null;
        while (_aws.Requests.TryDequeue(out _))
        {
        }

        var runs = new List<BuildProgram.Result>();
        foreach (var arch in Arches)
        {
            var node = Build("python", "--target=PushImage", $"--arch={arch}", $"--python-version={Version}", "--tag-suffix=e1");
            Assert.That(node.ExitCode, Is.EqualTo(0), node.ToString());
            runs.Add(node);
        }

        var manifestNode = Build("python", "--target=PushManifest", "--tag-suffix=e1", $"--public-registry={_public.Address}/alias");
        Assert.That(manifestNode.ExitCode, Is.EqualTo(0), manifestNode.ToString());
        runs.Add(manifestNode);

        Assert.That(_aws.Operations, Does.Contain("GetCallerIdentity").And.Contain("GetAuthorizationToken"));
        Assert.That(_aws.Operations.Count(o => o == "CreateRepository"), Is.EqualTo(1), "the first node creates the repository, the others find it");
        Assert.That(_aws.Requests.All(r => r.SignatureValid), Is.True);

        using var client = _registry.CreateClient();
        using var publicClient = _public.CreateClient();
        var amd64 = await client.HeadManifestAsync("python", $"{Version}.e1-amd64");
        var arm64 = await client.HeadManifestAsync("python", $"{Version}.e1-arm64v8");
        Assert.That(amd64, Is.Not.Null);
        Assert.That(arm64, Is.Not.Null);
        foreach (var tag in new[] { $"{Version}.e1", Version })
        {
            var list = await client.GetManifestAsync("python", tag);
            Assert.That(list!.Descriptors().ToDictionary(d => d.Platform!.ToString(), d => d.Digest), Is.EqualTo(new Dictionary<string, string>
            {
                ["linux/amd64"] = amd64!.Digest,
                ["linux/arm64/v8"] = arm64!.Digest,
            }), tag);
            Assert.That((await publicClient.GetManifestAsync("alias/python", tag))?.Digest, Is.EqualTo(list.Digest), "public " + tag);
        }

        foreach (var run in runs)
        {
            Assert.That(run.Output, Does.Not.Contain(_registry.Credentials!.Password).And.Not.Contain(_public.Credentials!.Password));
            Assert.That(run.Output, Does.Not.Contain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("AWS:" + _registry.Credentials.Password))));
            Assert.That(run.Output, Does.Not.Contain(SecretKey));
        }

        foreach (var run in runs.Take(Arches.Length))
        {
            Assert.That(run.Output, Does.Contain("Logged in to " + _registry.Address));
            var privateConfig = Regex.Match(run.Output, @"Removed the run's private DOCKER_CONFIG (\S+)\.").Groups[1].Value;
            Assert.That(privateConfig, Is.Not.Empty, "the run should report removing its private DOCKER_CONFIG");
            Assert.That(Directory.Exists(privateConfig), Is.False);
        }

        Assert.That(File.Exists(userConfig) ? File.ReadAllText(userConfig) : null, Is.EqualTo(userConfigBefore), "the user's ~/.docker/config.json must not change");
    }

    [Test]
    public async Task Should_skip_an_identical_image_and_refuse_another_under_an_immutable_tag()
    {
        var first = Build("python-immutable", "--target=PushImage", "--arch=amd64", $"--python-version={Version}", "--tag-suffix=i1", "--tag-immutability=IMMUTABLE");
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());

        var again = Build("python-immutable", "--target=PushImage", "--arch=amd64", $"--python-version={Version}", "--tag-suffix=i1");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(again.Output, Does.Contain("already holds this image (immutable tag)"));

        await TestImage.Create(new Platform("linux", "amd64"), label: "someone else's").PushAsync(_registry, "python-immutable", $"{Version}.i1-amd64");
        var collision = Build("python-immutable", "--target=PushImage", "--arch=amd64", $"--python-version={Version}", "--tag-suffix=i1");

        Assert.That(collision.ExitCode, Is.Not.EqualTo(0), collision.ToString());
        Assert.That(collision.Output, Does.Contain("The ECR repository python-immutable").And.Contain("is IMMUTABLE").And.Contain($"tag '{Version}.i1-amd64'"));
    }

    [Test]
    public void Should_log_docker_in_again_when_the_token_was_renewed_before_a_push()
    {
        _aws.TokenLifetime = TimeSpan.FromMinutes(10);
        try
        {
            var node = Build("python-renewed", "--target=PushImage", "--arch=amd64", $"--python-version={Version}", "--tag-suffix=r1");

            Assert.That(node.ExitCode, Is.EqualTo(0), node.ToString());
            Assert.That(Regex.Matches(node.Output, "Logged in to " + Regex.Escape(_registry.Address)), Has.Count.EqualTo(2), node.ToString());
        }
        finally
        {
            _aws.TokenLifetime = TimeSpan.FromHours(12);
        }
    }

    private BuildProgram.Result Build(string repository, params string[] arguments) =>
        BuildProgram.Run(
            [$"--matrix={_matrix}", $"--repository={repository}", "--verbosity=diagnostic", .. arguments],
            new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = AccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
                ["AWS_REGION"] = "eu-west-1",
                ["AWS_ENDPOINT_URL"] = _aws.Url.ToString(),
            });
}
