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
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if ((root.TryGetProperty("__type", out var type) || root.TryGetProperty("code", out type)) && type.GetString() is { Length: > 0 } raw)
                {
                    name = raw[(raw.LastIndexOf('#') + 1)..].Split(':')[0];
                }

                foreach (var key in (string[])["message", "Message"])
                {
                    if (root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        message = value.GetString() ?? "";
                    }
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
}
