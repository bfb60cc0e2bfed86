using Build.Context;

namespace Build.Tests.Context;

/// <summary>What the org.opencontainers.image.source label may show of a remote URL: never a credential.</summary>
public sealed class SourceInfoTests
{
    [TestCase("https://github.com/org/repo.git", "https://github.com/org/repo.git")]
    [TestCase("https://user:pw@github.com/org/repo.git", "https://github.com/org/repo.git")]
    [TestCase("https://ghp_0123456789abcdef@github.com/org/repo.git", "https://github.com/org/repo.git")]
    [TestCase("git+https://user:pw@github.com/org/repo.git", "git+https://github.com/org/repo.git")]
    [TestCase("ftp://u:p@example.com/repo", "ftp://example.com/repo")]
    [TestCase("ssh://git@github.com/org/repo.git", "ssh://github.com/org/repo.git")]
    [TestCase("https://github.com/org/repo.git?token=s3cret", "https://github.com/org/repo.git")]
    [TestCase("https://git.example.com:8443/org/repo.git?ref=main&access_token=s3cret", "https://git.example.com:8443/org/repo.git")]
    [TestCase("https://u:p#ss@github.com/org/repo.git", "https://github.com/org/repo.git")]
    [TestCase("https://u:p@ss@github.com/org/repo.git", "https://github.com/org/repo.git")]
    [TestCase("git@github.com:org/repo.git", "git@github.com:org/repo.git")]
    public void Should_keep_the_repository_and_drop_every_credential(string url, string expected)
    {
        Assert.That(SourceInfo.StripCredentials(url), Is.EqualTo(expected));
    }

    [TestCase("https://u:pa/ss@github.com/org/repo.git")]
    [TestCase("https://u:12/ss@github.com/org/repo.git")]
    [TestCase("user:token@github.com:org/repo.git")]
    [TestCase("/home/me/repo")]
    [TestCase("file:///home/me/repo")]
    [TestCase("https://github.com/org/re po.git")]
    public void Should_drop_a_url_it_cannot_clean_with_certainty(string url)
    {
        Assert.That(SourceInfo.StripCredentials(url), Is.Null);
    }

    [TestCase("https://u:pa/ss@github.com/org/repo.git", true)]
    [TestCase("user:token@github.com:org/repo.git", true)]
    [TestCase("/home/me/repo", false)]
    [TestCase("https://user:pw@github.com/org/repo.git", false)]
    public void Should_say_when_a_remote_url_was_dropped_so_that_the_run_warns(string url, bool dropped)
    {
        Assert.That(SourceInfo.Clean(url).Dropped, Is.EqualTo(dropped));
    }
}
