using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Build.Images;
using Build.Registry;
using Build.Tests.Registry;

namespace Build.Tests.Integration;

/// <summary>
/// A real multi-arch base image (Debian bookworm minbase with python3-minimal, made with mmdebstrap) published to the
/// test registry as a manifest list, since no public registry is reachable. The root filesystems are cached between
/// runs (about 1 minute for amd64 and 2.5 for arm64 to make).
/// </summary>
public static class DebianBase
{
    private static readonly (string Arch, string DebianArch, Platform Platform)[] Arches =
    [
        ("amd64", "amd64", new Platform("linux", "amd64")),
        ("arm64v8", "arm64", new Platform("linux", "arm64", "v8")),
    ];

    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("BUILD_TESTS_CACHE")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "python-images-tests");

    /// <summary>Publishes the base to <paramref name="registry"/> and returns its manifest list reference.</summary>
    public static async Task<string> PublishAsync(LocalRegistry registry)
    {
        const string repository = "debian-python";
        var entries = new List<(ManifestDescriptor, Platform)>();
        foreach (var (arch, debianArch, platform) in Arches)
        {
            var rootfs = EnsureRootFilesystem(debianArch);
            var reference = $"{registry.Address}/{repository}:bookworm-{arch}";
            var archive = Path.Combine(CacheDirectory, $"image-{debianArch}.tar");
            WriteDockerArchive(rootfs, platform, reference, archive);
            Run("docker", "load", "--input", archive);
            Run("docker", "push", reference);
            File.Delete(archive);

            using var client = registry.CreateClient();
            var manifest = await client.GetManifestAsync(repository, $"bookworm-{arch}") ?? throw new InvalidOperationException($"{reference} was not pushed");
            entries.Add((manifest.ToDescriptor(), platform));
        }

        using (var client = registry.CreateClient())
        {
            var list = ManifestListBuilder.Build(entries);
            await client.PutManifestAsync(repository, "bookworm", list.MediaType, list.Body);
        }

        return $"{registry.Address}/{repository}:bookworm";
    }

    private static string EnsureRootFilesystem(string debianArch)
    {
        Directory.CreateDirectory(CacheDirectory);
        var path = Path.Combine(CacheDirectory, $"bookworm-{debianArch}.tar");
        if (!File.Exists(path))
        {
            TestContext.Progress.WriteLine($"Making the Debian bookworm {debianArch} root filesystem with mmdebstrap (cached in {CacheDirectory})...");
            // mmdebstrap picks the output format from the extension: keep ".tar".
            var partial = Path.Combine(CacheDirectory, $"bookworm-{debianArch}.partial.tar");
            File.Delete(partial);
            Run("mmdebstrap", $"--arch={debianArch}", "--variant=minbase", "--include=python3-minimal", "bookworm", partial);
            File.Move(partial, path, overwrite: true);
        }

        return path;
    }

    // `docker import --platform` is ignored by this engine (20.10), so write a `docker save` archive whose config
    // carries the platform, and `docker load` it.
    private static void WriteDockerArchive(string rootfs, Platform platform, string reference, string archive)
    {
        string diffId;
        using (var stream = File.OpenRead(rootfs))
        {
            diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        var config = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["architecture"] = platform.Architecture,
            ["variant"] = platform.Variant,
            ["os"] = platform.Os,
            ["config"] = new Dictionary<string, object> { ["Env"] = new[] { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }, ["Cmd"] = new[] { "/bin/sh" } },
            ["rootfs"] = new Dictionary<string, object> { ["type"] = "layers", ["diff_ids"] = new[] { diffId } },
            ["history"] = new[] { new Dictionary<string, string> { ["created_by"] = "mmdebstrap --variant=minbase --include=python3-minimal bookworm" } },
        }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });
        var configName = Convert.ToHexStringLower(SHA256.HashData(config)) + ".json";
        var manifest = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new[] { new { Config = configName, RepoTags = new[] { reference }, Layers = new[] { "layer.tar" } } }));

        using var output = File.Create(archive);
        using var tar = new TarWriter(output, TarEntryFormat.Pax);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, configName) { DataStream = new MemoryStream(config) });
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = new MemoryStream(manifest) });
        tar.WriteEntry(rootfs, "layer.tar");
    }

    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}{stdout}");
        }

        return stdout;
    }
}
