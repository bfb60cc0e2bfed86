using Build.Images;
using Build.Registry;
using NUnit.Framework;
using static Build.Tests.Registry.Fixtures;

namespace Build.Tests.Registry;

public class ManifestListVerifierTests
{
    private static readonly Manifest List = ManifestListBuilder.Build([(DockerImage('a'), Amd64), (DockerImage('b'), Arm64V8)]);

    [Test]
    public void Should_find_no_problem_when_the_list_is_as_pushed()
    {
        var expected = new Dictionary<Platform, string> { [Amd64] = Digest('a'), [Arm64V8] = Digest('b') };

        Assert.That(ManifestListVerifier.Verify(List, expected), Is.Empty);
        Assert.DoesNotThrow(() => ManifestListVerifier.ThrowIfInvalid("127.0.0.1:5000/python:3.8", List, expected));
    }

    [Test]
    public void Should_report_a_missing_platform()
    {
        var expected = new Dictionary<Platform, string> { [Amd64] = Digest('a'), [Arm64V8] = Digest('b'), [Arm32V7] = Digest('c') };

        Assert.That(ManifestListVerifier.Verify(List, expected), Is.EqualTo(new[]
        {
            new ManifestProblem(ManifestProblemKind.Missing, Arm32V7, Digest('c'), null),
        }));
    }

    [Test]
    public void Should_report_a_wrong_digest()
    {
        var expected = new Dictionary<Platform, string> { [Amd64] = Digest('a'), [Arm64V8] = Digest('e') };

        Assert.That(ManifestListVerifier.Verify(List, expected), Is.EqualTo(new[]
        {
            new ManifestProblem(ManifestProblemKind.WrongDigest, Arm64V8, Digest('e'), Digest('b')),
        }));
    }

    [Test]
    public void Should_report_an_extra_platform()
    {
        var expected = new Dictionary<Platform, string> { [Amd64] = Digest('a') };

        Assert.That(ManifestListVerifier.Verify(List, expected), Is.EqualTo(new[]
        {
            new ManifestProblem(ManifestProblemKind.Extra, Arm64V8, null, Digest('b')),
        }));
    }

    [Test]
    public void Should_treat_arm64_without_variant_as_another_platform()
    {
        var expected = new Dictionary<Platform, string> { [Amd64] = Digest('a'), [new Platform("linux", "arm64")] = Digest('b') };

        Assert.That(ManifestListVerifier.Verify(List, expected).Select(p => p.Kind), Is.EqualTo(new[] { ManifestProblemKind.Missing, ManifestProblemKind.Extra }));
    }

    [Test]
    public void Should_report_an_image_manifest_where_a_list_was_expected()
    {
        var image = Json(MediaTypes.DockerManifest, "{}");

        var problems = ManifestListVerifier.Verify(image, new Dictionary<Platform, string> { [Amd64] = Digest('a') });

        Assert.That(problems.Select(p => p.Kind), Is.EqualTo(new[] { ManifestProblemKind.NotAList }));
    }

    [Test]
    public void Should_throw_one_message_naming_tag_platform_expected_and_actual_digest()
    {
        var expected = new Dictionary<Platform, string> { [Amd64] = Digest('a'), [Arm64V8] = Digest('e') };

        var error = Assert.Throws<RegistryException>(() => ManifestListVerifier.ThrowIfInvalid("127.0.0.1:5000/python:3.8", List, expected))!;

        Assert.That(error.Message, Is.EqualTo(
            $"Manifest list 127.0.0.1:5000/python:3.8 ({List.Digest}) is not what was pushed:{Environment.NewLine}" +
            $"  linux/arm64/v8: expected {Digest('e')}, actual {Digest('b')}"));
    }

    [Test]
    public void Should_throw_when_the_list_is_not_there()
    {
        var error = Assert.Throws<RegistryException>(() => ManifestListVerifier.ThrowIfInvalid("127.0.0.1:5000/python:3.8", null, new Dictionary<Platform, string>()))!;

        Assert.That(error.Message, Does.Contain("127.0.0.1:5000/python:3.8 was not found"));
    }
}
