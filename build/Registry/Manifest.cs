using System.Text.Json;

namespace Build.Registry;

/// <summary>
/// A manifest exactly as the registry served it: <see cref="Body"/> holds the raw bytes, never re-serialised,
/// since <see cref="Digest"/> is the sha256 of those bytes.
/// </summary>
public sealed record Manifest(string MediaType, string Digest, byte[] Body)
{
    /// <summary>A docker manifest list or an OCI index.</summary>
    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    /// <summary>A manifest for bytes this build made, its digest computed.</summary>
    public static Manifest FromBody(string mediaType, byte[] body) => new(mediaType, Digests.Sha256(body), body);

    /// <summary>How a list refers to this manifest.</summary>
    public ManifestDescriptor ToDescriptor(Platform? platform = null) => new(MediaType, Digest, Body.LongLength, platform);

    /// <summary>The entries of a list or index, in the order the body has them, with their platforms.</summary>
    public IReadOnlyList<ManifestDescriptor> Descriptors()
    {
        if (!IsIndex)
        {
            throw new InvalidOperationException($"Manifest {Digest} is a {MediaType}, not a manifest list or index: it has no entries.");
        }

        try
        {
            using var document = JsonDocument.Parse(Body);
            if (!document.RootElement.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("it has no \"manifests\" array");
            }

            return [.. manifests.EnumerateArray().Select(ReadDescriptor)];
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new FormatException($"Manifest list {Digest} ({MediaType}) is malformed: {e.Message}.", e);
        }
    }

    /// <summary>The blobs an image manifest refers to: its config, then its layers.</summary>
    public IReadOnlyList<string> BlobDigests()
    {
        if (IsIndex)
        {
            throw new InvalidOperationException($"Manifest {Digest} is a {MediaType}: its entries are manifests, not blobs.");
        }

        try
        {
            using var document = JsonDocument.Parse(Body);
            var root = document.RootElement;
            var digests = new List<string> { root.GetProperty("config").GetProperty("digest").GetString()! };
            if (root.TryGetProperty("layers", out var layers) && layers.ValueKind == JsonValueKind.Array)
            {
                digests.AddRange(layers.EnumerateArray().Select(l => l.GetProperty("digest").GetString()!));
            }

            return digests;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new FormatException($"Manifest {Digest} ({MediaType}) is malformed: {e.Message}.", e);
        }
    }

    private static ManifestDescriptor ReadDescriptor(JsonElement entry)
    {
        var platform = entry.TryGetProperty("platform", out var p) && p.ValueKind == JsonValueKind.Object
            ? new Platform(
                p.GetProperty("os").GetString() ?? throw new FormatException("an entry's platform has a null os"),
                p.GetProperty("architecture").GetString() ?? throw new FormatException("an entry's platform has a null architecture"),
                p.TryGetProperty("variant", out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } variant
                    ? variant
                    : null)
            : null;

        return new ManifestDescriptor(
            entry.GetProperty("mediaType").GetString() ?? throw new FormatException("an entry has a null mediaType"),
            entry.GetProperty("digest").GetString() ?? throw new FormatException("an entry has a null digest"),
            entry.GetProperty("size").GetInt64(),
            platform);
    }
}
