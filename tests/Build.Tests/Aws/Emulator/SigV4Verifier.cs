using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Build.Tests.Aws.Emulator;

/// <summary>
/// Checks a request's SigV4 Authorization header from the specification (canonical request, string to sign, derived
/// key), independently of the SDK signer the product uses. Answers null when valid, else why not.
/// </summary>
public static partial class SigV4Verifier
{
    public static string? Verify(
        string method, string path, string query, IReadOnlyDictionary<string, string> headers, byte[] body,
        IReadOnlyDictionary<string, string> secretsByAccessKey, string expectedService)
    {
        if (!headers.TryGetValue("authorization", out var authorization))
        {
            return "no Authorization header";
        }

        var match = AuthorizationPattern().Match(authorization);
        if (!match.Success)
        {
            return "the Authorization header is not AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…";
        }

        var (accessKey, date, region, service) = (match.Groups["key"].Value, match.Groups["date"].Value, match.Groups["region"].Value, match.Groups["service"].Value);
        if (!secretsByAccessKey.TryGetValue(accessKey, out var secret))
        {
            return $"unknown access key {accessKey}";
        }

        if (service != expectedService)
        {
            return $"signed for service {service}, expected {expectedService}";
        }

        if (!headers.TryGetValue("x-amz-date", out var amzDate) || !amzDate.StartsWith(date, StringComparison.Ordinal))
        {
            return "X-Amz-Date is missing or does not match the credential scope's date";
        }

        var payloadHash = Hex(SHA256.HashData(body));
        if (headers.TryGetValue("x-amz-content-sha256", out var claimed) && claimed != payloadHash)
        {
            return "X-Amz-Content-Sha256 is not the body's hash";
        }

        var signedHeaders = match.Groups["signed"].Value.Split(';');
        if (!signedHeaders.Contains("host"))
        {
            return "the host header is not signed";
        }

        var canonicalHeaders = new StringBuilder();
        foreach (var name in signedHeaders)
        {
            if (!headers.TryGetValue(name, out var value))
            {
                return $"signed header {name} is not in the request";
            }

            canonicalHeaders.Append(name).Append(':').Append(Regex.Replace(value.Trim(), @"\s+", " ")).Append('\n');
        }

        var canonicalRequest = string.Join('\n', method, path.Length == 0 ? "/" : path, CanonicalQuery(query), canonicalHeaders.ToString(), match.Groups["signed"].Value, payloadHash);
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date), region), service), "aws4_request");
        var expected = Hex(Hmac(key, stringToSign));
        return expected == match.Groups["signature"].Value ? null : "the signature does not match";
    }

    /// <summary>The access key of the Authorization header's credential scope, or null.</summary>
    public static string? AccessKeyOf(IReadOnlyDictionary<string, string> headers) =>
        headers.TryGetValue("authorization", out var authorization) && AuthorizationPattern().Match(authorization) is { Success: true } match
            ? match.Groups["key"].Value
            : null;

    private static string CanonicalQuery(string query) => string.Join('&', query.TrimStart('?')
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Contains('=') ? p : p + "=")
        .Order(StringComparer.Ordinal));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[^/]+)/(?<date>\d{8})/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request, ?SignedHeaders=(?<signed>[a-z0-9;-]+), ?Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();
}
