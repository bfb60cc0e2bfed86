using System.Globalization;

namespace Build.Context;

/// <summary>What the images record about the source they were built from (OCI labels, tag suffix).</summary>
public sealed record SourceInfo(string? Revision, DateTimeOffset? CommitTime, string? RepositoryUrl)
{
    /// <summary>The commit's date (UTC) as YYYYMMDD: the same on every node of a batch, even across midnight.</summary>
    public string? CommitDate => CommitTime?.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public string? ShortRevision => Revision is { Length: >= 7 } ? Revision[..7] : Revision;

    /// <summary>
    /// The remote as a label may show it: without user info (a token in a clone URL must never land in an image),
    /// and null for a local path, which means nothing outside this machine.
    /// </summary>
    public static string? StripCredentials(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "ssh" or "git")
        {
            return string.IsNullOrEmpty(uri.UserInfo) ? url : new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri.ToString();
        }

        // scp-like git@host:org/repo.git
        return url.Contains('@') && url.Contains(':') && !url.StartsWith('/') ? url : null;
    }
}
