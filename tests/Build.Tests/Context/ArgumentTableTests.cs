using Build.Context;
using Build.Tests.Support;

namespace Build.Tests.Context;

public sealed class ArgumentTableTests
{
    private const string Start = "<!-- arguments:start (written from build/Context/ArgumentTable.cs) -->\n";
    private const string End = "<!-- arguments:end -->";

    [Test]
    public void Should_be_the_table_README_shows()
    {
        var readme = File.ReadAllText(Path.Combine(BuildProgram.RepositoryRoot, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf(Start, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThan(0), "README.md marks its Arguments table with " + Start);

        var shown = readme[(start + Start.Length)..end];

        Assert.That(shown, Is.EqualTo(ArgumentTable.Markdown()),
            "README.md's Arguments table differs from ArgumentTable.Rows; put this between its markers:\n" + ArgumentTable.Markdown());
    }

    [Test]
    public void Should_name_every_argument_the_build_reads()
    {
        var names = typeof(Arguments).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

        Assert.That(names, Has.All.Matches<string>(name => ArgumentTable.Rows.Any(r => r.Argument.StartsWith($"`--{name}", StringComparison.Ordinal))));
    }
}
