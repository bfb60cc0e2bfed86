using System.Globalization;
using System.Text.RegularExpressions;
using Build.Registry;

namespace Build.Context;

/// <summary>What the images record about the source they were built from (OCI labels, tag suffix).</summary>
public sealed partial record SourceInfo(string? Revision, DateTimeOffset? CommitTime, string? RepositoryUrl)
{
    /// <summary>The commit's date (UTC) as YYYYMMDD: the same on every node of a batch, even across midnight.</summary>
    public string? CommitDate => CommitTime?.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public string? ShortRevision => Revision is { Length: >= 7 } ? Revision[..7] : Revision;

    /// <summary>
    /// The remote as a label may show it (a token in a clone URL must never land in an image): without user info,
    /// query or fragment, whatever the scheme; null for a local path, which means nothing outside this machine, and
    /// for a URL that cannot be cleaned with certainty.
    /// </summary>
    public static string? StripCredentials(string? url) => Clean(url).Url;

    /// <summary>As <see cref="StripCredentials"/>; <c>Dropped</c> says a remote URL was left out because it could not be cleaned with certainty (warn).</summary>
    public static (string? Url, bool Dropped) Clean(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return (null, false);
        }

        url = url.Trim();
        if (url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return (null, true);
        }

        if (url.StartsWith('/') || url.StartsWith('.') || WindowsPath().IsMatch(url) || url.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return (null, false);
        }

        if (SchemeUrl().Match(url) is { Success: true } match)
        {
            var rest = match.Groups["rest"].Value;
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var authority = slash < 0 ? rest : rest[..slash];
            var path = slash < 0 ? "" : rest[slash..];

            // User info ends at the last '@' of the authority: a password may hold '@', '#' or '?'.
            authority = authority[(authority.LastIndexOf('@') + 1)..];
            authority = authority[..IndexOfQueryOrFragment(authority)];
            path = path[..IndexOfQueryOrFragment(path)];

            // A password holding '/' leaves part of itself in the path: an authority that is no host, or an '@' left over.
            return ImageReference.IsRegistryHost(authority) && !path.Contains('@', StringComparison.Ordinal)
                ? ($"{match.Groups["scheme"].Value.ToLowerInvariant()}://{authority}{path}", false)
                : (null, true);
        }

        // scp-like git@host:org/repo.git: the ssh user is no secret (ssh authenticates with keys).
        if (ScpLike().IsMatch(url))
        {
            return (url, false);
        }

        return url.Contains(':', StringComparison.Ordinal) || url.Contains('@', StringComparison.Ordinal) ? (null, true) : (null, false);
    }

    private static int IndexOfQueryOrFragment(string text) => text.IndexOfAny(['?', '#']) is var index and >= 0 ? index : text.Length;

    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?<rest>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemeUrl();

    [GeneratedRegex(@"^(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+:[^@:?#]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ScpLike();

    [GeneratedRegex(@"^[A-Za-z]:[\\/]", RegexOptions.CultureInvariant)]
    private static partial Regex WindowsPath();
}
