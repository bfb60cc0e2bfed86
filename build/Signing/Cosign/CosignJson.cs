using System.Text.Encodings.Web;
using System.Text.Json;

namespace Build.Signing.Cosign;

/// <summary>
/// Compact JSON as Go's encoding/json writes cosign's documents: no indentation, base64 '+' and '/' as they are
/// (not \u002B). Key order is the writer's, so the bytes of a payload are the same on every run.
/// </summary>
internal static class CosignJson
{
    public static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Writer))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
