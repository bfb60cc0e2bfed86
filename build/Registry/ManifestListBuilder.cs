using System.Text.Encodings.Web;
using System.Text.Json;

namespace Build.Registry;

/// <summary>
/// Composes a manifest list from per-platform image manifests that are already in the repository.
/// Docker manifest list when every child is a Docker v2 manifest, OCI index otherwise.
/// Output is deterministic: entries sorted by platform, compact UTF-8 JSON.
/// </summary>
public sealed class ManifestListBuilder
{
    // The default encoder would write '+' in media types as \u002B: valid, but not what anyone expects to read.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Dictionary<Platform, ManifestDescriptor> _entries = [];

    public int Count => _entries.Count;

    /// <summary>Adds the image manifest for <paramref name="platform"/>; one per platform.</summary>
    public ManifestListBuilder Add(ManifestDescriptor child, Platform platform)
    {
        ArgumentNullException.ThrowIfNull(child);
        ArgumentNullException.ThrowIfNull(platform);
        if (!MediaTypes.IsImageManifest(child.MediaType))
        {
            var hint = MediaTypes.IsIndex(child.MediaType)
                ? " It is itself a list (BuildKit adds attestations that way): pick its platform entry with SelectPlatformManifest first."
                : $" Only {MediaTypes.DockerManifest} and {MediaTypes.OciManifest} can be listed.";
            throw new ArgumentException($"Cannot list {child.Digest} for {platform}: it is a {child.MediaType}.{hint}", nameof(child));
        }

        if (_entries.TryGetValue(platform, out var existing))
        {
            throw new ArgumentException(
                $"Platform {platform} is listed twice: {existing.Digest} and {child.Digest}. A manifest list holds one image per platform.",
                nameof(platform));
        }

        _entries.Add(platform, child with { Platform = platform });
        return this;
    }

    /// <summary>Composes the list in one call; see <see cref="Add"/> and <see cref="Build()"/>.</summary>
    public static Manifest Build(IEnumerable<(ManifestDescriptor Child, Platform Platform)> entries)
    {
        var builder = new ManifestListBuilder();
        foreach (var (child, platform) in entries)
        {
            builder.Add(child, platform);
        }

        return builder.Build();
    }

    /// <summary>The list's body, media type and digest (sha256 of the body), ready to PUT.</summary>
    public Manifest Build()
    {
        if (_entries.Count == 0)
        {
            throw new InvalidOperationException("A manifest list needs at least one platform manifest; none was added.");
        }

        var mediaType = _entries.Values.All(e => e.MediaType == MediaTypes.DockerManifest)
            ? MediaTypes.DockerManifestList
            : MediaTypes.OciIndex;

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", mediaType);
            json.WriteStartArray("manifests");
            foreach (var entry in _entries.Values.OrderBy(e => e.Platform!.ToString(), StringComparer.Ordinal))
            {
                WriteEntry(json, entry);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Manifest.FromBody(mediaType, stream.ToArray());
    }

    /// <summary>
    /// The image manifest for <paramref name="platform"/> in <paramref name="index"/>, skipping attestation
    /// entries (unknown/unknown). A variant-less entry matches a wanted variant (and the reverse) when it is
    /// the only candidate, since tools differ on whether arm64 carries "v8".
    /// </summary>
    public static ManifestDescriptor SelectPlatformManifest(Manifest index, Platform platform)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(platform);
        var candidates = index.Descriptors()
            .Where(d => d.Platform is not null && !d.IsAttestation && d.Platform.IsSameMachineAs(platform))
            .ToList();

        var exact = candidates.Where(d => d.Platform == platform).ToList();
        var loose = candidates.Where(d => d.Platform!.Variant is null || platform.Variant is null).ToList();
        var chosen = exact.Count > 0 ? exact : loose;
        if (chosen.Count == 1)
        {
            return chosen[0];
        }

        var listed = string.Join(", ", index.Descriptors().Select(d => d.Platform?.ToString() ?? "(no platform)"));
        throw new RegistryException(chosen.Count == 0
            ? $"Index {index.Digest} has no image for {platform}; it lists: {listed}."
            : $"Index {index.Digest} has {chosen.Count} images for {platform} ({string.Join(", ", chosen.Select(c => c.Digest))}); cannot tell which to use.");
    }

    /// <summary>
    /// The descriptor to list for what a tool pushed as the per-platform tag: the manifest itself when it is an
    /// image manifest, its entry for <paramref name="platform"/> when it is an index (BuildKit provenance).
    /// </summary>
    public static ManifestDescriptor ResolvePlatformManifest(Manifest pushed, Platform platform) =>
        pushed.IsIndex ? SelectPlatformManifest(pushed, platform) : pushed.ToDescriptor();

    private static void WriteEntry(Utf8JsonWriter json, ManifestDescriptor entry)
    {
        json.WriteStartObject();
        json.WriteString("mediaType", entry.MediaType);
        json.WriteNumber("size", entry.Size);
        json.WriteString("digest", entry.Digest);
        json.WriteStartObject("platform");
        json.WriteString("architecture", entry.Platform!.Architecture);
        json.WriteString("os", entry.Platform.Os);
        if (entry.Platform.Variant is not null)
        {
            json.WriteString("variant", entry.Platform.Variant);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
