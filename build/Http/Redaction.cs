using System.Text.RegularExpressions;

namespace Build.Http;

/// <summary>
/// Keeps secrets that ride in URLs and error bodies out of messages and logs: a presigned upload URL carries its
/// credentials in the query (X-Amz-Signature, X-Amz-Security-Token, ...), and S3 quotes the signature back when it
/// refuses one.
/// </summary>
public static partial class Redaction
{
    public const string Redacted = "[redacted]";

    /// <summary>The URL as a message may show it: scheme, host, port and path; a query becomes <c>?[redacted]</c>.</summary>
    public static string Url(Uri uri) => uri.IsAbsoluteUri
        ? uri.GetLeftPart(UriPartial.Path) + (uri.Query.Length > 1 ? "?" + Redacted : "")
        : Text(uri.OriginalString);

    /// <summary>The text with every URL's query, every credential-like parameter and S3's quoted signatures redacted.</summary>
    public static string Text(string text)
    {
        text = UrlQuery().Replace(text, "$1?" + Redacted);
        text = SecretParameter().Replace(text, "$1=" + Redacted);
        return QuotedSignature().Replace(text, "<$1>" + Redacted + "</$1>");
    }

    [GeneratedRegex(@"(\b[a-z][a-z0-9+.-]*://[^\s?#""'<>]*)\?[^\s#""'<>]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlQuery();

    [GeneratedRegex(
        @"\b(X-Amz-[A-Za-z-]+|Signature|AWSAccessKeyId|Policy|Key-Pair-Id|sig|token|access_token|password|secret)=[^&\s""'<>]+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretParameter();

    [GeneratedRegex(
        @"<(SignatureProvided|StringToSign|StringToSignBytes|CanonicalRequest|CanonicalRequestBytes)>.*?</\1>",
        RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex QuotedSignature();
}
