using Build.Context;
using Build.Images;
using Build.Tests.Support;
using Cake.Core;

namespace Build.Tests.Context;

public sealed class SelectionTests
{
    private TempMatrix _files = null!;
    private ImageMatrix _matrix = null!;

    [SetUp]
    public void SetUp()
    {
        _files = TempMatrix.TwoByTwo();
        _matrix = MatrixLoader.Load(_files.Path);
    }

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void Should_cover_every_version_and_arch_without_filters()
    {
        var selection = Selection.From(_matrix, null, null);

        Assert.That(selection.Images.Select(i => i.ToString()), Is.EqualTo(new[] { "3.7/amd64", "3.7/arm64v8", "3.8/amd64", "3.8/arm64v8" }));
        Assert.That(selection.Versions.Select(v => v.Version), Is.EqualTo(new[] { "3.7", "3.8" }));
    }

    [Test]
    public void Should_select_one_node_by_version_and_arch()
    {
        var selection = Selection.From(_matrix, "3.8", "arm64v8");

        Assert.That(selection.Images.Select(i => i.ToString()), Is.EqualTo(new[] { "3.8/arm64v8" }));
    }

    [Test]
    public void Should_name_an_unknown_arch_and_the_valid_ones()
    {
        var error = Assert.Throws<CakeException>(() => Selection.From(_matrix, null, "sparc"))!;

        Assert.That(error.Message, Does.Contain("'sparc'").And.Contain("amd64, arm64v8").And.Contain("3.7: amd64, arm64v8"));
    }

    [Test]
    public void Should_name_an_unknown_version_and_the_valid_ones()
    {
        var error = Assert.Throws<CakeException>(() => Selection.From(_matrix, "3.99", null))!;

        Assert.That(error.Message, Does.Contain("'3.99'").And.Contain("3.7, 3.8").And.Contain(_files.Path));
    }

    [Test]
    public void Should_reject_a_known_arch_the_version_does_not_build()
    {
        var error = Assert.Throws<CakeException>(() => Selection.From(_matrix, "3.8", "s390x"))!;

        Assert.That(error.Message, Does.Contain("'s390x' is not built for Python 3.8").And.Contain("amd64, arm64v8"));
    }
}
