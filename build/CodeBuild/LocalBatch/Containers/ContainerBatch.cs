using Build.CodeBuild.Buildspecs;
using Build.Git;

namespace Build.CodeBuild.LocalBatch.Containers;

/// <summary>
/// What a batch of node containers needs around it, made when it starts and removed when it ends: its own network and,
/// for a registry on this machine's loopback, the relay on that network's gateway. Everything it creates on this
/// machine's engine is named <c>python-images-local-batch-&lt;batch&gt;</c> and labelled
/// <c>python-images.local-batch=&lt;batch&gt;</c>; the node image is the one thing it keeps, as BaseImage keeps its base.
/// </summary>
public sealed class ContainerBatch : IAsyncDisposable
{
    public const string LabelName = "python-images.local-batch";

    private readonly BatchNetwork _network;
    private readonly RegistryRelay? _relay;

    private readonly string _workDirectory;

    private ContainerBatch(BatchNetwork network, RegistryRelay? relay, ContainerNodeHost host, string workDirectory)
    {
        _workDirectory = workDirectory;
        _network = network;
        _relay = relay;
        Host = host;
    }

    public ContainerNodeHost Host { get; }

    public string NetworkName => _network.Name;

    public string? RelayDescription => _relay is null ? null : $"{_relay.Endpoint} on {_network.Name}";

    public static async Task<ContainerBatch> StartAsync(
        string batchId, string image, ContainerSupport support, string sourceRoot, string workDirectory, string cacheDirectory,
        string registryHost, IReadOnlyList<string> readOnlyFolders, IReadOnlyDictionary<string, ParsedNodeBuildspec> buildspecs, GitRunner git)
    {
        var name = $"python-images-local-batch-{batchId}";
        var label = $"{LabelName}={batchId}";
        var network = await BatchNetwork.CreateAsync(name, label);
        try
        {
            var loopback = RegistryRelay.LoopbackEndpoint(registryHost);
            var relay = loopback is null ? null : RegistryRelay.Start(network.Gateway, loopback);
            var settings = new ContainerBatchSettings(image, support, network.Name, name, label, sourceRoot, workDirectory, cacheDirectory, readOnlyFolders,
                relay is null ? null : (loopback!, relay.Endpoint), git);
            return new ContainerBatch(network, relay, new ContainerNodeHost(settings, buildspecs), workDirectory);
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }

        await _network.DisposeAsync();
        if (Directory.Exists(_workDirectory))
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
    }
}
