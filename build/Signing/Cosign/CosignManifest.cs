using System.Text.Json;
using Build.Registry;

namespace Build.Signing.Cosign;

/// <summary>One layer of a .sig or .att manifest: a blob (payload or DSSE envelope) and its annotations.</summary>
public sealed record CosignLayer(string MediaType, string Digest, long Size, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>The annotation that holds a signature's base64 DER signature (empty for an attestation).</summary>
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";

    public const string PredicateTypeAnnotation = "predicateType";

    public string? Annotation(string name) => Annotations.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// The OCI image manifest cosign stores signatures and attestations in: an empty-ish image config (what
/// go-containerregistry's empty image with the layers appended gives) and one layer per signature or attestation.
/// Written compact, as cosign writes it; read from whatever bytes the registry holds.
/// </summary>
public static class CosignManifest
{
    public const string ConfigMediaType = "application/vnd.oci.image.config.v1+json";

    public static IReadOnlyList<CosignLayer> Layers(Manifest manifest)
    {
        try
        {
            using var document = JsonDocument.Parse(manifest.Body);
            if (!document.RootElement.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            return [.. layers.EnumerateArray().Select(layer => new CosignLayer(
                layer.GetProperty("mediaType").GetString() ?? "",
                layer.GetProperty("digest").GetString() ?? "",
                layer.GetProperty("size").GetInt64(),
                layer.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object
                    ? annotations.EnumerateObject().ToDictionary(a => a.Name, a => a.Value.GetString() ?? "", StringComparer.Ordinal)
                    : new Dictionary<string, string>(StringComparer.Ordinal)))];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"The cosign manifest {manifest.Digest} is malformed: {e.Message}", e);
        }
    }

    /// <summary>The config blob for <paramref name="layers"/>: their digests as diff ids, one empty history entry each.</summary>
    public static byte[] Config(IReadOnlyList<CosignLayer> layers) => CosignJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("architecture", "");
        w.WriteString("created", "0001-01-01T00:00:00Z");
        w.WriteStartArray("history");
        foreach (var _ in layers)
        {
            w.WriteStartObject();
            w.WriteString("created", "0001-01-01T00:00:00Z");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("os", "");
        w.WriteStartObject("rootfs");
        w.WriteString("type", "layers");
        w.WriteStartArray("diff_ids");
        foreach (var layer in layers)
        {
            w.WriteStringValue(layer.Digest);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("config");
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static Manifest Create(byte[] config, IReadOnlyList<CosignLayer> layers) => Manifest.FromBody(MediaTypes.OciManifest, CosignJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", 2);
        w.WriteString("mediaType", MediaTypes.OciManifest);
        w.WriteStartObject("config");
        w.WriteString("mediaType", ConfigMediaType);
        w.WriteNumber("size", config.Length);
        w.WriteString("digest", Digests.Sha256(config));
        w.WriteEndObject();
        w.WriteStartArray("layers");
        foreach (var layer in layers)
        {
            w.WriteStartObject();
            w.WriteString("mediaType", layer.MediaType);
            w.WriteNumber("size", layer.Size);
            w.WriteString("digest", layer.Digest);
            w.WriteStartObject("annotations");
            foreach (var (name, value) in layer.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                w.WriteString(name, value);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }));
}
