using Build.Registry;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>
/// The CodeBuild batch flow against a real dockerd, a real registry on 127.0.0.1 and qemu: one PushImage run per
/// (arch, version) node, then the manifest node, checked through the registry's HTTP API and by running the images.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class EndToEndTests
{
    private static readonly string[] Versions = ["3.11", "3.11.2"];
    private static readonly string[] Arches = ["amd64", "arm64v8"];
    private RegistryFixture _fixture = null!;
    private string _matrix = null!;

    [OneTimeSetUp]
    public async Task StartRegistryAndWriteMatrix()
    {
        _fixture = await RegistryFixture.StartAsync("e2e");
        // The product's own BaseImage task makes the Debian base with mmdebstrap (cached) and publishes it to the registry.
        _matrix = _fixture.WriteMatrix("images.json", Versions, Arches);
        _fixture.WriteMatrix("wrong-version.json", ["3.9"], Arches);
    }

    [OneTimeTearDown]
    public void StopRegistry() => _fixture?.Dispose();

    [Test]
    public async Task Should_publish_every_arch_image_and_verified_manifest_lists_pointing_at_them()
    {
        foreach (var version in Versions)
        {
            foreach (var arch in Arches)
            {
                var node = Build("--target=PushImage", $"--arch={arch}", $"--python-version={version}", "--tag-suffix=t1");
                Assert.That(node.ExitCode, Is.EqualTo(0), node.ToString());
                // This machine's docker 28 CLI has no buildx: it falls back to the classic builder (BuildKitEndToEndTests runs BuildKit).
                Assert.That(node.Output, Does.Contain("Builder: the classic builder (docker CLI"), "the builder in use is logged");
            }
        }

        var manifestNode = Build("--target=PushManifest", "--tag-suffix=t1");
        Assert.That(manifestNode.ExitCode, Is.EqualTo(0), manifestNode.ToString());

        using var client = _fixture.Registry.CreateClient();
        foreach (var version in Versions)
        {
            var amd64 = await client.HeadManifestAsync("python", $"{version}.t1-amd64");
            var arm64 = await client.HeadManifestAsync("python", $"{version}.t1-arm64v8");
            Assert.That(amd64, Is.Not.Null, $"{version}.t1-amd64 is missing");
            Assert.That(arm64, Is.Not.Null, $"{version}.t1-arm64v8 is missing");

            foreach (var tag in new[] { $"{version}.t1", version })
            {
                await _fixture.AssertListAsync(tag, new Dictionary<string, string>
                {
                    ["linux/amd64"] = amd64!.Digest,
                    ["linux/arm64/v8"] = arm64!.Digest,
                });
            }

            Assert.That(manifestNode.Output, Does.Contain($"{_fixture.Registry.Address}/python:{version}.t1 ").Or.Contain($"{_fixture.Registry.Address}/python:{version}.t1\n"));
        }

        // The floating tag runs the arm64 image under emulation, and the amd64 one natively.
        Assert.That(RunImage("linux/arm64", $"{_fixture.Registry.Address}/python:3.11"), Is.EqualTo("aarch64"));
        Assert.That(RunImage("linux/amd64", $"{_fixture.Registry.Address}/python:3.11"), Is.EqualTo("x86_64"));
    }

    [Test]
    public async Task Should_publish_no_manifest_list_when_an_arch_image_is_missing()
    {
        var node = Build("--target=PushImage", "--arch=amd64", "--python-version=3.11", "--tag-suffix=t2");
        Assert.That(node.ExitCode, Is.EqualTo(0), node.ToString());

        var manifestNode = Build("--target=PushManifest", "--tag-suffix=t2");

        Assert.That(manifestNode.ExitCode, Is.Not.EqualTo(0), manifestNode.ToString());
        Assert.That(manifestNode.Output, Does.Contain($"{_fixture.Registry.Address}/python:3.11.t2-arm64v8")
            .And.Contain($"{_fixture.Registry.Address}/python:3.11.2.t2-amd64")
            .And.Contain($"{_fixture.Registry.Address}/python:3.11.2.t2-arm64v8"));
        Assert.That(manifestNode.Output, Does.Not.Contain($"python:3.11.t2-amd64,"), "an image that is present is not reported missing");

        using var client = _fixture.Registry.CreateClient();
        Assert.That(await client.HeadManifestAsync("python", "3.11.t2"), Is.Null);
        Assert.That(await client.HeadManifestAsync("python", "3.11.2.t2"), Is.Null);
    }

    [Test]
    public async Task Should_log_in_with_a_private_docker_config_and_never_print_the_password()
    {
        var credentials = new RegistryCredentials("builder", "pa55-" + Guid.NewGuid().ToString("N"));
        using var secured = await LocalRegistry.StartAsync(credentials);
        var userConfig = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker", "config.json");
        var userConfigBefore = File.Exists(userConfig) ? File.ReadAllText(userConfig) : null;

        var node = BuildProgram.Run(
            [$"--matrix={_matrix}", $"--registry={secured.Address}", "--target=PushImage", "--arch=amd64", "--python-version=3.11", "--tag-suffix=t3", "--verbosity=diagnostic"],
            new Dictionary<string, string?> { ["REGISTRY_USERNAME"] = credentials.Username, ["REGISTRY_PASSWORD"] = credentials.Password });

        Assert.That(node.ExitCode, Is.EqualTo(0), node.ToString());
        Assert.That(node.Output, Does.Not.Contain(credentials.Password));
        Assert.That(node.Output, Does.Contain("Logged in to " + secured.Address));
        var privateConfig = System.Text.RegularExpressions.Regex.Match(node.Output, @"Removed the run's private DOCKER_CONFIG (\S+)\.").Groups[1].Value;
        Assert.That(privateConfig, Is.Not.Empty, "the run should report removing its private DOCKER_CONFIG");
        Assert.That(Directory.Exists(privateConfig), Is.False);
        Assert.That(File.Exists(userConfig) ? File.ReadAllText(userConfig) : null, Is.EqualTo(userConfigBefore), "the user's ~/.docker/config.json must not change");

        using var client = secured.CreateClient(credentials);
        Assert.That(await client.HeadManifestAsync("python", "3.11.t3-amd64"), Is.Not.Null);
    }

    [Test]
    public async Task Should_push_images_and_lists_with_only_the_users_docker_login()
    {
        var credentials = new RegistryCredentials("builder", "pa55-" + Guid.NewGuid().ToString("N"));
        using var secured = await LocalRegistry.StartAsync(credentials);
        var dockerConfig = Directory.CreateTempSubdirectory("fit-docker-login-").FullName;
        try
        {
            // The user's own `docker login`, into the DOCKER_CONFIG the build then runs with; no REGISTRY_* variables.
            DockerLogin(dockerConfig, secured.Address, credentials);
            var config = Path.Combine(dockerConfig, "config.json");
            var before = File.ReadAllBytes(config);
            var environment = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = dockerConfig };

            var node = BuildProgram.Run(
                [$"--matrix={_matrix}", $"--registry={secured.Address}", "--target=PushImage", "--arch=amd64", "--python-version=3.11", "--tag-suffix=d1"], environment);
            var manifestNode = BuildProgram.Run(
                [$"--matrix={_matrix}", $"--registry={secured.Address}", "--target=PushManifest", "--python-version=3.11", "--tag-suffix=d1", "--allow-partial"], environment);

            Assert.That(node.ExitCode, Is.EqualTo(0), node.ToString());
            Assert.That(manifestNode.ExitCode, Is.EqualTo(0), manifestNode.ToString());
            Assert.That(node.Output, Does.Not.Contain("Logged in to"), "docker already has the login: no private one is made");
            Assert.That(File.ReadAllBytes(config), Is.EqualTo(before), "the user's docker config is only read");
            Assert.That(node.Output + manifestNode.Output, Does.Not.Contain(credentials.Password));
            using var client = secured.CreateClient(credentials);
            var list = await client.GetManifestAsync("python", "3.11.d1");
            Assert.That(list!.Descriptors().Select(d => d.Digest), Is.EqualTo(new[] { (await client.HeadManifestAsync("python", "3.11.d1-amd64"))!.Digest }));
        }
        finally
        {
            Directory.Delete(dockerConfig, recursive: true);
        }
    }

    [Test]
    public async Task Should_push_images_and_lists_with_a_credential_helper_on_PATH()
    {
        var credentials = new RegistryCredentials("builder", "pa55-" + Guid.NewGuid().ToString("N"));
        using var secured = await LocalRegistry.StartAsync(credentials);
        var home = Directory.CreateTempSubdirectory("fit-docker-helper-").FullName;
        try
        {
            // docker-credential-fittest answers docker's protocol (get, server on stdin) and records who asked.
            var asked = Path.Combine(home, "asked.log");
            var helper = Path.Combine(home, "docker-credential-fittest");
            File.WriteAllText(helper,
                "#!/bin/sh\n" +
                $"server=$(cat); echo \"$1 $server $(cat /proc/$PPID/comm)\" >> '{asked}'\n" +
                $"[ \"$1\" = get ] && [ \"$server\" = '{secured.Address}' ] || {{ echo 'credentials not found in native keychain'; exit 1; }}\n" +
                $"printf '{{\"ServerURL\":\"%s\",\"Username\":\"{credentials.Username}\",\"Secret\":\"{credentials.Password}\"}}' \"$server\"\n");
            File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllText(Path.Combine(home, "config.json"), "{\"credHelpers\": {\"" + secured.Address + "\": \"fittest\"}}");
            var environment = new Dictionary<string, string?>
            {
                ["DOCKER_CONFIG"] = home,
                ["PATH"] = home + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            };

            var node = BuildProgram.Run(
                [$"--matrix={_matrix}", $"--registry={secured.Address}", "--target=PushImage", "--arch=amd64", "--python-version=3.11", "--tag-suffix=h1"], environment);
            var manifestNode = BuildProgram.Run(
                [$"--matrix={_matrix}", $"--registry={secured.Address}", "--target=PushManifest", "--python-version=3.11", "--tag-suffix=h1", "--allow-partial"], environment);

            Assert.That(node.ExitCode, Is.EqualTo(0), node.ToString());
            Assert.That(manifestNode.ExitCode, Is.EqualTo(0), manifestNode.ToString());
            var callers = File.ReadAllLines(asked);
            // The program's own process: "Build" for the composite build (its apphost), "dotnet" for a plain one.
            Assert.That(callers, Has.Some.EqualTo($"get {secured.Address} Build").Or.Some.EqualTo($"get {secured.Address} dotnet"), "the build asked the helper itself");
            Assert.That(callers, Has.Some.EqualTo($"get {secured.Address} docker"), "and docker push asked it too");
            Assert.That(node.Output + manifestNode.Output, Does.Not.Contain(credentials.Password));
            using var client = secured.CreateClient(credentials);
            Assert.That(await client.GetManifestAsync("python", "3.11.h1"), Is.Not.Null);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static void DockerLogin(string dockerConfig, string registry, RegistryCredentials credentials)
    {
        var start = new System.Diagnostics.ProcessStartInfo("docker") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "login", "--username", credentials.Username, "--password-stdin", registry })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOCKER_CONFIG"] = dockerConfig;
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Write(credentials.Password);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), "docker login: " + output);
    }

    [Test]
    public async Task Should_push_nothing_when_the_image_has_another_python_than_the_matrix_says()
    {
        // The "3.9" entry builds the same Dockerfile, whose base has Debian's Python 3.11.
        var node = BuildProgram.Run([$"--matrix={Path.Combine(_fixture.Directory, "wrong-version.json")}", $"--registry={_fixture.Registry.Address}", "--target=PushImage", "--arch=arm64v8", "--tag-suffix=t4"]);

        Assert.That(node.ExitCode, Is.Not.EqualTo(0), node.ToString());
        Assert.That(node.Output, Does.Contain("TestImage failed").And.Contain("python is 3.11").And.Contain("version 3.9"));
        using var client = _fixture.Registry.CreateClient();
        Assert.That(await client.HeadManifestAsync("python", "3.9.t4-arm64v8"), Is.Null);
    }

    private BuildProgram.Result Build(params string[] arguments) =>
        _fixture.Run("images.json", null, arguments);

    private static string RunImage(string platform, string image) =>
        Shell.Run("docker", "run", "--rm", "--pull=always", "--platform", platform, image, "-c", "import platform; print(platform.machine())").Trim();
}
