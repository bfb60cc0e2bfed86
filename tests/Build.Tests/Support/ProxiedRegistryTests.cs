namespace Build.Tests.Support;

/// <summary>
/// A class of program-level tests on one <see cref="RegistryFixture"/>: the registry and the matrices once per class,
/// a fresh <see cref="Registry.FaultProxy"/> in front of it for each test.
/// </summary>
public abstract class ProxiedRegistryTests(string name)
{
    protected RegistryFixture Fixture { get; private set; } = null!;

    /// <summary>Writes the class's matrices into the fixture's folder, once.</summary>
    protected abstract void WriteMatrices(RegistryFixture fixture);

    [OneTimeSetUp]
    public async Task StartRegistryAndWriteMatrices()
    {
        Fixture = await RegistryFixture.StartAsync(name);
        WriteMatrices(Fixture);
    }

    [SetUp]
    public Task StartProxy() => Fixture.StartProxyAsync();

    [TearDown]
    public Task StopProxy() => Fixture.StopProxyAsync();

    [OneTimeTearDown]
    public void StopRegistry() => Fixture?.Dispose();
}
