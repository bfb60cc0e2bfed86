using System.Text.Json;

namespace Build.Signing.Cosign;

/// <summary>
/// Cosign's signature payload: the "simple signing" format of containers/image with
/// <c>critical.type = "cosign container image signature"</c>, stored as a blob of media type
/// <see cref="MediaType"/>. The bytes are what Go's json.Marshal of sigstore's SimpleContainerImage gives.
/// </summary>
public static class SimpleSigning
{
    public const string MediaType = "application/vnd.dev.cosign.simplesigning.v1+json";
    public const string CosignType = "cosign container image signature";

    /// <param name="dockerReference">The repository, registry included: 123.dkr.ecr.eu-west-1.amazonaws.com/python.</param>
    public static byte[] Create(string dockerReference, string digest) => CosignJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("critical");
        w.WriteStartObject("identity");
        w.WriteString("docker-reference", dockerReference);
        w.WriteEndObject();
        w.WriteStartObject("image");
        w.WriteString("docker-manifest-digest", digest);
        w.WriteEndObject();
        w.WriteString("type", CosignType);
        w.WriteEndObject();
        w.WriteNull("optional");
        w.WriteEndObject();
    });

    /// <summary>The identity, digest and type a payload claims; null when it is not a simple-signing document.</summary>
    public static Claims? Read(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var critical = document.RootElement.GetProperty("critical");
            return new Claims(
                critical.GetProperty("identity").GetProperty("docker-reference").GetString() ?? "",
                critical.GetProperty("image").GetProperty("docker-manifest-digest").GetString() ?? "",
                critical.GetProperty("type").GetString() ?? "");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    public sealed record Claims(string DockerReference, string Digest, string Type);
}
