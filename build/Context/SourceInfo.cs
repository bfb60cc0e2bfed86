using System.Globalization;

namespace Build.Context;

/// <summary>What the images record about the source they were built from (OCI labels, tag suffix).</summary>
public sealed record SourceInfo(string? Revision, DateTimeOffset? CommitTime, string? RepositoryUrl)
{
    /// <summary>The commit's date (UTC) as YYYYMMDD: the same on every node of a batch, even across midnight.</summary>
    public string? CommitDate => CommitTime?.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public string? ShortRevision => Revision is { Length: >= 7 } ? Revision[..7] : Revision;

    /// <summary>A remote URL without user info, so that a token in a clone URL never lands in an image label.</summary>
    public static string? StripCredentials(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.UserInfo))
        {
            return new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri.ToString();
        }

        return url;
    }
}
