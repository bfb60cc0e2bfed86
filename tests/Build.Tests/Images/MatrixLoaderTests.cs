using Build.Images;
using Build.Tests.Support;
using Cake.Core;

namespace Build.Tests.Images;

public sealed class MatrixLoaderTests
{
    [Test]
    public void Should_read_versions_architectures_and_build_args()
    {
        using var matrix = TempMatrix.TwoByTwo();

        var loaded = MatrixLoader.Load(matrix.Path);

        Assert.That(loaded.Repository, Is.EqualTo("python"));
        Assert.That(loaded.Images.Select(i => i.Version), Is.EqualTo(new[] { "3.7", "3.8" }));
        Assert.That(loaded.Images[1].Architectures.Select(a => a.Platform.ToString()), Is.EqualTo(new[] { "linux/amd64", "linux/arm64/v8" }));
        Assert.That(loaded.Images[1].BuildArgs["EXTRA"], Is.EqualTo("yes"));
        Assert.That(loaded.Images[0].DockerfilePath, Is.EqualTo(Path.Combine(matrix.Directory, "python3.7.Dockerfile")));
        Assert.That(loaded.Images[0].BuildArgs, Is.Empty);
    }

    [Test]
    public void Should_name_file_entry_and_missing_dockerfile()
    {
        using var matrix = new TempMatrix("""{ "repository": "python", "images": [ { "version": "3.9", "dockerfile": "nope.Dockerfile", "architectures": ["amd64"] } ] }""");

        var error = Assert.Throws<CakeException>(() => MatrixLoader.Load(matrix.Path))!;

        Assert.That(error.Message, Does.Contain(matrix.Path).And.Contain("images[0] (version 3.9)").And.Contain("'nope.Dockerfile' does not exist"));
    }

    [Test]
    public void Should_refuse_a_dockerfile_reached_through_a_link_that_leaves_the_folder()
    {
        using var matrix = new TempMatrix("""{ "repository": "python", "images": [ { "version": "3.9", "dockerfile": "etc/hostname", "architectures": ["amd64"] } ] }""");
        Directory.CreateSymbolicLink(Path.Combine(matrix.Directory, "etc"), "/etc");

        var error = Assert.Throws<CakeException>(() => MatrixLoader.Load(matrix.Path))!;

        Assert.That(error.Message, Does.Contain("dockerfile 'etc/hostname' is outside the matrix's folder").And.Contain("symbolic link"));
    }

    [Test]
    public void Should_accept_a_dockerfile_in_a_subfolder_and_a_link_that_stays_inside()
    {
        using var matrix = new TempMatrix("""
            { "repository": "python", "images": [
              { "version": "3.9", "dockerfile": "sub/python.Dockerfile", "architectures": ["amd64"] },
              { "version": "3.10", "dockerfile": "linked/python.Dockerfile", "architectures": ["amd64"] } ] }
            """);
        Directory.CreateDirectory(Path.Combine(matrix.Directory, "sub"));
        File.WriteAllText(Path.Combine(matrix.Directory, "sub", "python.Dockerfile"), "FROM scratch\n");
        Directory.CreateSymbolicLink(Path.Combine(matrix.Directory, "linked"), "sub");

        var loaded = MatrixLoader.Load(matrix.Path);

        Assert.That(loaded.Images.Select(i => i.ContextDirectory), Is.EqualTo(new[] { Path.Combine(matrix.Directory, "sub"), Path.Combine(matrix.Directory, "linked") }));
    }

    [Test]
    public void Should_name_unknown_architecture_and_the_known_ones()
    {
        using var matrix = new TempMatrix("""{ "repository": "python", "images": [ { "version": "3.9", "dockerfile": "d", "architectures": ["amd64", "sparc"] } ] }""", "d");

        var error = Assert.Throws<CakeException>(() => MatrixLoader.Load(matrix.Path))!;

        Assert.That(error.Message, Does.Contain("'sparc' is unknown").And.Contain("amd64, arm64v8"));
    }

    [Test]
    public void Should_report_malformed_json_with_the_file()
    {
        using var matrix = new TempMatrix("""{ "repository": "python", "images": [ """);

        var error = Assert.Throws<CakeException>(() => MatrixLoader.Load(matrix.Path))!;

        Assert.That(error.Message, Does.Contain(matrix.Path).And.Contain("not valid JSON"));
    }

    [TestCase("""{ "images": [] }""", "needs \"repository\"")]
    [TestCase("""{ "repository": "Python", "images": [] }""", "'Python' is not a valid repository name")]
    [TestCase("""{ "repository": "python", "images": [] }""", "non-empty array")]
    [TestCase("""{ "repository": "python", "images": [ { "version": "3.9", "dockerfile": "d" } ] }""", "needs \"architectures\"")]
    [TestCase("""{ "repository": "python", "images": [ { "version": "3 9", "dockerfile": "d", "architectures": ["amd64"] } ] }""", "version '3 9' cannot be part of an image tag")]
    [TestCase("""{ "repository": "python", "images": [ { "version": "3.9", "dockerfile": "d", "architectures": ["amd64"], "buildArgs": { "A": 1 } } ] }""", "build arg 'A' must be a string")]
    [TestCase("""{ "repository": "python", "images": [ { "version": "3.9", "dockerfile": "d", "architectures": ["amd64"] }, { "version": "3.9", "dockerfile": "d", "architectures": ["amd64"] } ] }""", "version '3.9' is listed twice")]
    public void Should_reject_an_invalid_matrix_with_a_clear_message(string json, string expected)
    {
        using var matrix = new TempMatrix(json, "d");

        var error = Assert.Throws<CakeException>(() => MatrixLoader.Load(matrix.Path))!;

        Assert.That(error.Message, Does.Contain(expected).And.Contain(matrix.Path));
    }

    [Test]
    public void Should_say_where_the_matrix_was_looked_for_when_it_is_missing()
    {
        var error = Assert.Throws<CakeException>(() => MatrixLoader.Load("/nonexistent/images.json"))!;

        Assert.That(error.Message, Does.Contain("/nonexistent/images.json").And.Contain("--matrix"));
    }
}
