using System.Net;
using System.Text.Json;
using Build.Tests.Registry;

namespace Build.Tests.Support;

/// <summary>
/// What the program-level publishing tests share: a real registry on a free loopback port, a <see cref="FaultProxy"/>
/// in front of it while a test starts one, and a temporary folder of matrices over Integration/Images/python.Dockerfile
/// on the Debian base (which the program's BaseImage publishes). The program pushes to the proxy while one runs, else
/// straight to the registry.
/// </summary>
public sealed class RegistryFixture : IDisposable
{
    private FaultProxy? _proxy;

    private RegistryFixture(LocalRegistry registry, string directory)
    {
        Registry = registry;
        Directory = directory;
    }

    public LocalRegistry Registry { get; }

    /// <summary>The folder of the matrices, and the build context of their images.</summary>
    public string Directory { get; }

    public FaultProxy Proxy => _proxy ?? throw new InvalidOperationException("No proxy runs: call StartProxyAsync first (in [SetUp]).");

    /// <summary>Where the program pushes: the proxy while one runs, else the registry.</summary>
    public string Address => _proxy?.Address ?? Registry.Address;

    /// <param name="name">Names the temporary folder, to tell the fixtures apart.</param>
    public static async Task<RegistryFixture> StartAsync(string name)
    {
        var registry = await LocalRegistry.StartAsync();
        var directory = System.IO.Directory.CreateTempSubdirectory(name + "-matrix-").FullName;
        File.Copy(Path.Combine(BuildProgram.RepositoryRoot, "tests", "Build.Tests", "Integration", "Images", "python.Dockerfile"), Path.Combine(directory, "python.Dockerfile"));
        return new RegistryFixture(registry, directory);
    }

    /// <summary>Writes a matrix of python.Dockerfile images, one per version, each for every arch; returns its path.</summary>
    /// <param name="name">The file, relative to <see cref="Directory"/>.</param>
    public string WriteMatrix(string name, IEnumerable<string> versions, IEnumerable<string> architectures)
    {
        var path = Path.Combine(Directory, name);
        var buildArgs = new Dictionary<string, string> { ["BASE_IMAGE"] = $"{{registry}}/{DebianBase.Repository}:{DebianBase.Tag}" };
        var arches = architectures.ToArray();
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            repository = "python",
            @base = DebianBase.Spec,
            images = versions.Select(v => new { version = v, dockerfile = "python.Dockerfile", architectures = arches, buildArgs }),
        }));
        return path;
    }

    public async Task StartProxyAsync() => _proxy = await FaultProxy.StartAsync(Registry);

    public async Task StopProxyAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
            _proxy = null;
        }
    }

    /// <summary>The program's arguments for a matrix of <see cref="Directory"/> and the registry (or proxy), then <paramref name="arguments"/>.</summary>
    public string[] Arguments(string matrix, params string[] arguments) =>
        [$"--matrix={Path.Combine(Directory, matrix)}", $"--registry={Address}", .. arguments];

    public BuildProgram.Result Run(string matrix, IDictionary<string, string?>? environment, params string[] arguments) =>
        BuildProgram.Run(Arguments(matrix, arguments), environment);

    /// <summary>The tag is a manifest list of exactly these platforms and digests.</summary>
    public async Task AssertListAsync(string tag, IDictionary<string, string> expected)
    {
        using var client = Registry.CreateClient();
        var list = await client.GetManifestAsync("python", tag);
        Assert.That(list, Is.Not.Null, $"manifest list {tag} is missing");
        Assert.That(list!.IsIndex, Is.True, $"{tag} is a {list.MediaType}, not a manifest list");
        Assert.That(list.Descriptors().ToDictionary(d => d.Platform!.ToString(), d => d.Digest), Is.EqualTo(expected), $"manifest list {tag}");
    }

    /// <summary>The tag's manifest and every blob it names are in the registry; returns its digest.</summary>
    public async Task<string> AssertCompleteImageAsync(string tag)
    {
        using var client = Registry.CreateClient();
        var manifest = await client.GetManifestAsync("python", tag);
        Assert.That(manifest, Is.Not.Null, $"{tag} is missing");
        using var document = JsonDocument.Parse(manifest!.Body);
        var blobs = document.RootElement.GetProperty("layers").EnumerateArray().Append(document.RootElement.GetProperty("config"))
            .Select(b => b.GetProperty("digest").GetString()!).ToList();
        using var http = Registry.CreateHttpClient();
        foreach (var blob in blobs)
        {
            using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/python/blobs/{blob}"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"blob {blob} of {tag}");
        }

        return manifest.Digest;
    }

    public void Dispose()
    {
        Registry.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
