using System.Net;
using System.Text.Json;
using System.Xml.Linq;

namespace Build.Aws;

/// <summary>An AWS error answer: its name (the part of JSON 1.1's <c>__type</c> after '#' and before ':', or the query Code) and message.</summary>
public sealed record AwsError(HttpStatusCode Status, string Name, string Message, string? RequestId)
{
    private static readonly HashSet<string> Throttling = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException", "RequestLimitExceeded",
        "LimitExceededException", "RequestThrottled", "RequestThrottledException", "SlowDown", "ProvisionedThroughputExceededException",
    };

    public bool IsThrottling => Throttling.Contains(Name) || Status == HttpStatusCode.TooManyRequests;

    public bool IsTransient => IsThrottling || Status is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
        or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    public override string ToString() => $"{Name}: {Message}";

    public static AwsError Parse(HttpStatusCode status, string body, string? requestId)
    {
        var name = $"HTTP{(int)status}";
        var message = body.Length > 300 ? body[..300] : body;
        var trimmed = body.TrimStart();
        try
        {
            if (trimmed.StartsWith('{'))
            {
                if (TryParseJson(body, out var code, out var given))
                {
                    name = code ?? name;
                    message = given ?? message;
                }
            }
            else if (trimmed.StartsWith('<'))
            {
                var error = XDocument.Parse(body).Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
                if (error is not null)
                {
                    name = error.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? name;
                    message = error.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value ?? message;
                }
            }
        }
        catch (Exception e) when (e is JsonException or System.Xml.XmlException)
        {
            // Not the documented shape: keep the status and the start of the body.
        }

        return new AwsError(status, name, message.Trim(), requestId);
    }

    /// <summary>
    /// A JSON 1.1 error body's name (<c>__type</c>, or <c>code</c>: the part after '#' and before ':') and message
    /// (<c>message</c> or <c>Message</c>), each null when the body gives none; a body that is not JSON is its own message.
    /// </summary>
    public static (string? Code, string? Message) ParseJson(string body) =>
        TryParseJson(body, out var code, out var message) ? (code, message) : (null, body.Length > 200 ? body[..200] : body);

    private static bool TryParseJson(string body, out string? code, out string? message)
    {
        (code, message) = (null, null);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if ((root.TryGetProperty("__type", out var type) || root.TryGetProperty("code", out type)) && type.GetString() is { Length: > 0 } raw)
            {
                var name = raw.Split(':')[0];
                code = name[(name.LastIndexOf('#') + 1)..];
            }

            foreach (var key in (string[])["message", "Message"])
            {
                if (message is null && root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    message = value.GetString();
                }
            }

            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
