using Build.Context;
using Cake.Core;

namespace Build.Tests.Context;

public sealed class TagSuffixResolverTests
{
    private static BuildOptions Options(string? suffix = null, bool useDate = false) =>
        new(null, null, "m.json", null, null, suffix, useDate, DryRun: false);

    private static readonly SourceInfo Commit = new("0123456789abcdef", new DateTimeOffset(2026, 11, 27, 23, 59, 0, TimeSpan.FromHours(-5)), null);

    [Test]
    public void Should_prefer_the_explicit_suffix() =>
        Assert.That(TagSuffixResolver.Resolve(Options("t1"), Commit), Is.EqualTo("t1"));

    [Test]
    public void Should_not_read_the_source_when_the_suffix_is_given() =>
        Assert.That(TagSuffixResolver.Resolve(Options("t1"), new Lazy<SourceInfo>(() => throw new AssertionException("git was asked"))), Is.EqualTo("t1"));

    [Test]
    public void Should_read_the_source_when_no_suffix_is_given() =>
        Assert.That(TagSuffixResolver.Resolve(Options(), new Lazy<SourceInfo>(() => Commit)), Is.EqualTo("0123456"));

    [Test]
    public void Should_default_to_the_short_commit_id() =>
        Assert.That(TagSuffixResolver.Resolve(Options(), Commit), Is.EqualTo("0123456"));

    [Test]
    public void Should_use_the_commit_date_in_utc_so_every_node_agrees_across_midnight() =>
        Assert.That(TagSuffixResolver.Resolve(Options(useDate: true), Commit), Is.EqualTo("20261128"));

    [Test]
    public void Should_ask_for_a_suffix_when_there_is_no_commit()
    {
        var error = Assert.Throws<CakeException>(() => TagSuffixResolver.Resolve(Options(), new SourceInfo(null, null, null)))!;

        Assert.That(error.Message, Does.Contain("--tag-suffix"));
    }

    [TestCase("https://user:token@github.com/org/repo.git", "https://github.com/org/repo.git")]
    [TestCase("git@github.com:org/repo.git", "git@github.com:org/repo.git")]
    [TestCase("", null)]
    [TestCase("/work/main", null)]
    [TestCase("file:///work/main", null)]
    public void Should_strip_credentials_from_the_source_url(string url, string? expected) =>
        Assert.That(SourceInfo.StripCredentials(url), Is.EqualTo(expected));
}
