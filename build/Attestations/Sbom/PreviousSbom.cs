using System.Text.Json;
using System.Text.Json.Nodes;
using Build.Registry;
using Build.Signing;
using Build.Signing.Cosign;

namespace Build.Attestations.Sbom;

/// <summary>
/// An image whose layers are exactly the previous image's (rebuilt only for a label, every step from the build cache)
/// holds the same files, so the previous image's SBOM describes it too. Taken only when the registry shows the same
/// layer diff ids and the previous SBOM verifies with this key; its subject is then rewritten to the new image.
/// </summary>
public static class PreviousSbom
{
    public static async Task<JsonObject?> TryTakeAsync(CosignStore store, SignatureVerifier key, Manifest image, Manifest previous, CancellationToken ct = default)
    {
        if (previous.Digest == image.Digest)
        {
            return null;
        }

        var layers = await DiffIdsAsync(store, image, ct).ConfigureAwait(false);
        if (layers.Count == 0 || !layers.SequenceEqual(await DiffIdsAsync(store, previous, ct).ConfigureAwait(false)))
        {
            return null;
        }

        foreach (var stored in await store.ReadAttestationsAsync(previous.Digest, ct).ConfigureAwait(false))
        {
            if (stored.PredicateType == PredicateTypes.CycloneDx && stored.Envelope is { } envelope && envelope.IsSignedBy(key)
                && InTotoStatement.Read(envelope.Payload) is { PredicateType: PredicateTypes.CycloneDx } statement
                && statement.SubjectDigests.Contains(previous.Digest) && statement.Predicate is JsonObject bom)
            {
                return bom;
            }
        }

        return null;
    }

    /// <summary>The SBOM of the previous image, made the new image's: subject, serial number and time are new.</summary>
    public static JsonObject Retarget(JsonObject bom, string imageName, string digest, string previousDigest, DateTimeOffset timestamp)
    {
        var copy = (JsonObject)bom.DeepClone();
        copy["serialNumber"] = "urn:uuid:" + Guid.NewGuid();
        var metadata = copy["metadata"] as JsonObject ?? [];
        copy["metadata"] = metadata;
        metadata["timestamp"] = CycloneDx.Timestamp(timestamp);
        metadata["component"] = CycloneDx.ImageComponent(imageName, digest);
        var properties = metadata["properties"] as JsonArray ?? [];
        metadata["properties"] = properties;
        properties.Add(new JsonObject { ["name"] = "python-images:sbom:same-layers-as", ["value"] = previousDigest });
        if (copy["compositions"] is JsonArray compositions)
        {
            foreach (var assemblies in compositions.Select(c => c?["assemblies"]).OfType<JsonArray>())
            {
                assemblies.Clear();
                assemblies.Add($"{imageName}@{digest}");
            }
        }

        return copy;
    }

    private static async Task<IReadOnlyList<string>> DiffIdsAsync(CosignStore store, Manifest image, CancellationToken ct)
    {
        if (image.IsIndex)
        {
            return [];
        }

        using var buffer = new MemoryStream();
        await store.Registry.DownloadBlobAsync(store.Repository, image.BlobDigests()[0], buffer, ct).ConfigureAwait(false);
        try
        {
            using var config = JsonDocument.Parse(buffer.ToArray());
            return [.. config.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString() ?? "")];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return [];
        }
    }
}
