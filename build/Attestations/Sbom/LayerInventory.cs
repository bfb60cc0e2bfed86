using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Build.Registry;

namespace Build.Attestations.Sbom;

/// <summary>
/// The package inventory of an image read from its layers in the registry, without running it: each layer is streamed
/// (gzip or plain tar) and only the package databases are kept, with later layers and whiteouts (.wh.) applied as the
/// image's filesystem would. dpkg and Python metadata are read; an rpm database is noted as a gap (rpm -qa reads it
/// when TestImage runs the image).
/// </summary>
public static partial class LayerInventory
{
    private const int MaxFileBytes = 32 * 1024 * 1024;

    public static async Task<PackageInventory> ReadAsync(RegistryClient registry, string repository, Manifest image, CancellationToken ct = default)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        var gaps = new List<string>();
        foreach (var layer in image.BlobDigests().Skip(1))
        {
            var path = Path.GetTempFileName();
            try
            {
                await using (var output = File.Create(path))
                {
                    await registry.DownloadBlobAsync(repository, layer, output, ct).ConfigureAwait(false);
                }

                await using var input = File.OpenRead(path);
                if (!await ApplyLayerAsync(input, files, links, ct).ConfigureAwait(false))
                {
                    gaps.Add($"layer {layer} is neither gzip nor tar (zstd?) and was not read");
                }
            }
            finally
            {
                File.Delete(path);
            }
        }

        return Inventory(files, links, gaps);
    }

    /// <summary>Reads one layer on top of the files kept so far; false when its compression is not gzip or none.</summary>
    public static async Task<bool> ApplyLayerAsync(Stream layer, Dictionary<string, byte[]> files, Dictionary<string, string> links, CancellationToken ct = default)
    {
        var head = new byte[2];
        var read = await layer.ReadAtLeastAsync(head, 2, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        layer.Seek(0, SeekOrigin.Begin);
        Stream tar = read == 2 && head[0] == 0x1f && head[1] == 0x8b ? new GZipStream(layer, CompressionMode.Decompress, leaveOpen: true) : layer;
        if (tar == layer && !LooksLikeTar(layer))
        {
            return false;
        }

        var added = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var addedLinks = new Dictionary<string, string>(StringComparer.Ordinal);
        var deleted = new List<string>();
        var opaque = new List<string>();
        await using (var reader = new TarReader(tar, leaveOpen: true))
        {
            while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
            {
                var name = Normalize(entry.Name);
                var file = name[(name.LastIndexOf('/') + 1)..];
                var directory = name.Contains('/') ? name[..name.LastIndexOf('/')] : "";
                if (file == ".wh..wh..opq")
                {
                    opaque.Add(directory);
                }
                else if (file.StartsWith(".wh.", StringComparison.Ordinal))
                {
                    deleted.Add((directory.Length > 0 ? directory + "/" : "") + file[".wh.".Length..]);
                }
                else if (entry.EntryType is TarEntryType.SymbolicLink && Wanted(name))
                {
                    addedLinks[name] = entry.LinkName;
                }
                else if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && Wanted(name)
                    && entry.DataStream is { } data && entry.Length <= MaxFileBytes)
                {
                    using var buffer = new MemoryStream();
                    await data.CopyToAsync(buffer, ct).ConfigureAwait(false);
                    added[name] = buffer.ToArray();
                }
            }
        }

        if (tar != layer)
        {
            await tar.DisposeAsync().ConfigureAwait(false);
        }

        // Whiteouts hide what lower layers had; this layer's own files then go on top.
        foreach (var hidden in deleted.Concat(opaque))
        {
            foreach (var key in files.Keys.Concat(links.Keys).Where(k => k == hidden || k.StartsWith(hidden + "/", StringComparison.Ordinal)).ToList())
            {
                files.Remove(key);
                links.Remove(key);
            }
        }

        foreach (var (name, content) in added)
        {
            files[name] = content;
            links.Remove(name);
        }

        foreach (var (name, target) in addedLinks)
        {
            links[name] = target;
            files.Remove(name);
        }

        return true;
    }

    /// <summary>The inventory of the files kept from every layer.</summary>
    public static PackageInventory Inventory(IReadOnlyDictionary<string, byte[]> files, IReadOnlyDictionary<string, string> links, IEnumerable<string> gaps)
    {
        string? Text(string path)
        {
            for (var hops = 0; hops < 8; hops++)
            {
                if (files.TryGetValue(path, out var content))
                {
                    return Encoding.UTF8.GetString(content);
                }

                if (!links.TryGetValue(path, out var target))
                {
                    return null;
                }

                path = target.StartsWith('/') ? Normalize(target) : Normalize(Path.GetDirectoryName(path) + "/" + target);
            }

            return null;
        }

        // /usr/share/doc/<package>/copyright; a package's doc folder may be a link to another package's.
        var licenses = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var package in files.Keys.Concat(links.Keys).Select(k => CopyrightPattern().Match(k)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct())
        {
            if (Text($"usr/share/doc/{package}/copyright") is { } copyright)
            {
                licenses[package] = PackageDatabases.DebianCopyrightLicenses(copyright);
            }
        }

        foreach (var (link, target) in links.Where(l => DocFolderPattern().IsMatch(l.Key)))
        {
            var package = link["usr/share/doc/".Length..];
            var other = target.TrimEnd('/').Split('/').Last();
            if (!licenses.ContainsKey(package) && Text($"usr/share/doc/{other}/copyright") is { } copyright)
            {
                licenses[package] = PackageDatabases.DebianCopyrightLicenses(copyright);
            }
        }

        var packages = new List<Package>();
        if (Text("var/lib/dpkg/status") is { } status)
        {
            packages.AddRange(PackageDatabases.Dpkg(status, licenses));
        }

        foreach (var fragment in files.Keys.Where(k => k.StartsWith("var/lib/dpkg/status.d/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            packages.AddRange(PackageDatabases.Dpkg(Text(fragment)!, licenses));
        }

        foreach (var metadata in files.Keys.Where(k => PythonMetadataPattern().IsMatch(k)).Order(StringComparer.Ordinal))
        {
            if (PackageDatabases.PythonMetadata(Text(metadata)!) is { } distribution)
            {
                packages.Add(distribution);
            }
        }

        var allGaps = gaps.ToList();
        if (files.Keys.Concat(links.Keys).FirstOrDefault(k => RpmDatabasePattern().IsMatch(k)) is { } rpm)
        {
            allGaps.Add($"the rpm database /{rpm} is not read from layers (TestImage's run lists rpm packages with rpm -qa)");
        }

        return new PackageInventory(OsRelease.Parse(Text("etc/os-release") ?? Text("usr/lib/os-release")), packages, allGaps,
            "read from the image's layers: dpkg status, Python distribution metadata");
    }

    private static bool Wanted(string name) =>
        name is "var/lib/dpkg/status" or "etc/os-release" or "usr/lib/os-release"
        || name.StartsWith("var/lib/dpkg/status.d/", StringComparison.Ordinal)
        || CopyrightPattern().IsMatch(name) || DocFolderPattern().IsMatch(name)
        || PythonMetadataPattern().IsMatch(name) || RpmDatabasePattern().IsMatch(name);

    private static string Normalize(string name)
    {
        var parts = new List<string>();
        foreach (var part in name.Replace('\\', '/').Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }

    private static bool LooksLikeTar(Stream stream)
    {
        var header = new byte[512];
        var read = stream.ReadAtLeast(header, 512, throwOnEndOfStream: false);
        stream.Seek(0, SeekOrigin.Begin);
        return read == 0 || (read == 512 && (Encoding.ASCII.GetString(header, 257, 5) == "ustar" || header.All(b => b == 0) || header[156] is (byte)'0' or 0 or (byte)'5' or (byte)'2'));
    }

    [GeneratedRegex(@"^usr/share/doc/([^/]+)/copyright$")]
    private static partial Regex CopyrightPattern();

    [GeneratedRegex(@"^usr/share/doc/[^/]+$")]
    private static partial Regex DocFolderPattern();

    [GeneratedRegex(@"(^|/)(site|dist)-packages/[^/]+\.(dist-info/METADATA|egg-info/PKG-INFO|egg-info)$")]
    private static partial Regex PythonMetadataPattern();

    [GeneratedRegex(@"^(var/lib/rpm|usr/lib/sysimage/rpm)/(rpmdb\.sqlite|Packages|Packages\.db)$")]
    private static partial Regex RpmDatabasePattern();
}
