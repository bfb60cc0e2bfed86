using System.Text.Json;

namespace Build.Registry;

/// <summary>The registry's error body, <c>{"errors":[{"code":..,"message":..,"detail":..}]}</c>, as one line.</summary>
internal sealed record RegistryErrorBody(IReadOnlyList<string> Codes, string Text)
{
    private const int MaxText = 400;

    public static RegistryErrorBody Parse(string body)
    {
        var trimmed = body.Trim();
        if (trimmed.Length == 0)
        {
            return new RegistryErrorBody([], "(no error body)");
        }

        try
        {
            using var document = JsonDocument.Parse(trimmed);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("errors", out var errors) &&
                errors.ValueKind == JsonValueKind.Array)
            {
                var entries = errors.EnumerateArray().Select(Describe).ToList();
                return new RegistryErrorBody([.. entries.Select(e => e.Code)], Truncate(string.Join("; ", entries.Select(e => e.Text))));
            }
        }
        catch (JsonException)
        {
            // Not the registry's JSON (a proxy's HTML page, say): show the text itself.
        }

        return new RegistryErrorBody([], Truncate(string.Join(' ', trimmed.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries))));
    }

    private static (string Code, string Text) Describe(JsonElement error)
    {
        var code = error.TryGetProperty("code", out var c) ? c.ToString() : "UNKNOWN";
        var text = code;
        if (error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
        {
            text += ": " + message.GetString();
        }

        if (error.TryGetProperty("detail", out var detail) && detail.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            text += $" ({(detail.ValueKind == JsonValueKind.String ? detail.GetString() : detail.GetRawText())})";
        }

        return (code, text);
    }

    private static string Truncate(string text) => text.Length <= MaxText ? text : text[..MaxText] + "…";
}
