using Build.Images.Inputs;

namespace Build.Tests.Images.Inputs;

public class DockerIgnoreTests
{
    [TestCase("*.md", "README.md", true)]
    [TestCase("*.md", "docs/README.md", false)]
    [TestCase("**/*.md", "docs/README.md", true)]
    [TestCase("**/*.md", "README.md", true)]
    [TestCase("build", "build/bin/app.dll", true)]
    [TestCase("/build/", "build/bin/app.dll", true)]
    [TestCase("b?ild", "build", true)]
    [TestCase("tmp*", "src/tmp1", false)]
    public void Should_match_as_docker_does(string pattern, string path, bool excluded)
    {
        Assert.That(DockerIgnore.Parse(pattern).Excludes(path), Is.EqualTo(excluded));
    }

    [Test]
    public void Should_let_the_last_matching_line_win()
    {
        var ignore = DockerIgnore.Parse("# comment\n*.json\n!images.json\n");

        Assert.That(ignore.Excludes("legacy.json"), Is.True);
        Assert.That(ignore.Excludes("images.json"), Is.False);
        Assert.That(ignore.Excludes("python.Dockerfile"), Is.False);
    }

    [Test]
    public void Should_list_the_context_files_docker_sends()
    {
        var folder = Directory.CreateTempSubdirectory("context-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "cache"));
            File.WriteAllText(Path.Combine(folder, "cache", "big.bin"), "x");
            File.WriteAllText(Path.Combine(folder, "python.Dockerfile"), "FROM scratch");
            File.WriteAllText(Path.Combine(folder, ".dockerignore"), "cache\n");

            Assert.That(DockerIgnore.ContextFiles(folder), Is.EqualTo(new[] { ".dockerignore", "python.Dockerfile" }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
