using Build.Tests.Registry;

namespace Build.Tests.Steps;

/// <summary>The step tests' real registry: one docker-registry per fixture on a free loopback port, each test in its own repository.</summary>
public abstract class RegistryStepTests
{
    protected LocalRegistry Registry { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartRegistry()
    {
        LocalRegistry.RequireInstalled();
        Registry = await LocalRegistry.StartAsync();
    }

    [OneTimeTearDown]
    public void StopRegistry() => Registry?.Dispose();

    /// <summary>A repository no other test uses, named for this branch's tests.</summary>
    protected static string NewRepository(string what) => $"s14-steps/{what}-{Guid.NewGuid():N}";
}
