using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Build.Registry;

namespace Build.Images;

/// <summary>
/// Writes a `docker save`-format archive of one layer (a root filesystem tarball) whose config carries the platform.
/// `docker import --platform` would be simpler, but Docker 20.10 ignores the platform and records the host's.
/// </summary>
public static class DockerArchive
{
    public static void Write(string rootFilesystemTar, Platform platform, string reference, string archivePath, IReadOnlyList<string> cmd)
    {
        string diffId;
        using (var stream = File.OpenRead(rootFilesystemTar))
        {
            diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        var config = JsonSerializer.SerializeToUtf8Bytes(new ImageConfig(
            platform.Architecture,
            platform.Variant,
            platform.Os,
            new ContainerConfig(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], cmd),
            new RootFs("layers", [diffId])), Options);
        var configName = Convert.ToHexStringLower(SHA256.HashData(config)) + ".json";
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new[] { new ArchiveManifest(configName, [reference], ["layer.tar"]) });

        using var output = File.Create(archivePath);
        using var tar = new TarWriter(output, TarEntryFormat.Pax);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, configName) { DataStream = new MemoryStream(config) });
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = new MemoryStream(manifest) });
        tar.WriteEntry(rootFilesystemTar, "layer.tar");
    }

    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private sealed record ImageConfig(
        [property: JsonPropertyName("architecture")] string Architecture,
        [property: JsonPropertyName("variant")] string? Variant,
        [property: JsonPropertyName("os")] string Os,
        [property: JsonPropertyName("config")] ContainerConfig Config,
        [property: JsonPropertyName("rootfs")] RootFs RootFs);

    private sealed record ContainerConfig(IReadOnlyList<string> Env, IReadOnlyList<string> Cmd);

    private sealed record RootFs([property: JsonPropertyName("type")] string Type, [property: JsonPropertyName("diff_ids")] IReadOnlyList<string> DiffIds);

    private sealed record ArchiveManifest(string Config, IReadOnlyList<string> RepoTags, IReadOnlyList<string> Layers);
}
