using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Build.Registry;

/// <summary>One <c>WWW-Authenticate</c> challenge: <c>Bearer realm="...",service="...",scope="..."</c> or <c>Basic realm="..."</c>.</summary>
internal sealed partial record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public string? this[string name] => Parameters.TryGetValue(name, out var value) ? value : null;

    public static IReadOnlyList<AuthChallenge> From(HttpResponseMessage response) =>
        [.. response.Headers.WwwAuthenticate.Select(Parse)];

    public static AuthChallenge Parse(AuthenticationHeaderValue header)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in ParameterPattern().Matches(header.Parameter ?? ""))
        {
            parameters[match.Groups["name"].Value] = match.Groups["quoted"].Success
                ? QuotedPair().Replace(match.Groups["quoted"].Value, "$1")
                : match.Groups["token"].Value;
        }

        return new AuthChallenge(header.Scheme, parameters);
    }

    public override string ToString() =>
        $"{Scheme} {string.Join(",", Parameters.Select(p => $"{p.Key}=\"{p.Value}\""))}";

    [GeneratedRegex("""(?<name>[A-Za-z0-9_.-]+)\s*=\s*(?:"(?<quoted>(?:[^"\\]|\\.)*)"|(?<token>[^,\s]*))""", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterPattern();

    [GeneratedRegex(@"\\(.)", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedPair();
}
