using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Build.Registry;

/// <summary>Content digests as registries write them: <c>sha256:</c> and 64 lowercase hex digits.</summary>
public static partial class Digests
{
    public static string Sha256(ReadOnlySpan<byte> content) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public static bool IsDigest(string value) => DigestPattern().IsMatch(value);

    [GeneratedRegex("^sha256:[a-f0-9]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();
}
