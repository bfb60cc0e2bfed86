using Build.Registry;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>
/// Every task that makes docker talk to a registry that needs a login logs in first: BaseImage pushes the base, and
/// BuildImage pulls it (docker build --pull). A real registry behind htpasswd, the real docker, amd64 only.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class RegistryLoginTests
{
    private static readonly RegistryCredentials Login = new("builder", "pa55-" + Guid.NewGuid().ToString("N"));
    private LocalRegistry _registry = null!;
    private string _directory = null!;
    private string _matrix = null!;

    [OneTimeSetUp]
    public async Task StartRegistry()
    {
        LocalRegistry.RequireInstalled(withAuth: true);
        _registry = await LocalRegistry.StartAsync(Login);
        _matrix = DebianBase.WriteAmd64Matrix("trust-login", "trust-login-base");
        _directory = Path.GetDirectoryName(_matrix)!;
    }

    [OneTimeTearDown]
    public void Stop()
    {
        LocalImages.StopWithImages(_registry);
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Should_log_in_before_base_image_pushes_and_build_image_pulls()
    {
        var baseImage = Run("--target=BaseImage", "--tag-suffix=l1");

        Assert.That(baseImage.ExitCode, Is.EqualTo(0), baseImage.ToString());
        using var client = _registry.CreateClient();
        Assert.That(await client.GetManifestAsync("trust-login-base", "bookworm"), Is.Not.Null, "the base was not published");

        // A fresh pull of the base: the local copy from BaseImage is removed first.
        LocalImages.RemoveAll(_registry.Address);
        var build = Run("--target=BuildImage", "--tag-suffix=l1");

        Assert.That(build.ExitCode, Is.EqualTo(0), build.ToString());
        Assert.That(Shell.Run("docker", "image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", $"{_registry.Address}/trust-login:3.11.l1-amd64").Trim(), Is.EqualTo("linux/amd64"));
    }

    private BuildProgram.Result Run(params string[] arguments) => BuildProgram.Run(
        [$"--matrix={_matrix}", $"--registry={_registry.Address}", "--install-prerequisites=false", .. arguments],
        new Dictionary<string, string?> { ["REGISTRY_USERNAME"] = Login.Username, ["REGISTRY_PASSWORD"] = Login.Password });
}
