using Build.Aws;
using Build.CodeBuild;
using Build.CodeBuild.Buildspecs;
using Build.CodeBuild.LocalBatch;
using Build.Context;
using Build.Images;
using Build.Tests.Support;
using Cake.Core;

namespace Build.Tests.Context;

/// <summary>The build and batch options, parsed in-process from given arguments and environment (no program run).</summary>
public class OptionParsingTests
{
    private const string Root = "/repo";

    [Test]
    public void Should_prefer_the_argument_over_the_node_variable()
    {
        var options = Build(["arch=arm64v8", "python-version=3.12"], ["ARCH=amd64", "VERSION=3.11", "REGISTRY=127.0.0.1:5000"]);

        Assert.That((options.Arch, options.PythonVersion, options.Registry), Is.EqualTo(("arm64v8", "3.12", "127.0.0.1:5000")));
    }

    [Test]
    public void Should_treat_blank_values_as_absent_and_trim_the_rest()
    {
        var options = Build(["arch=  ", "repository= team/python "], ["ARCH= amd64 "]);

        Assert.That((options.Arch, options.Repository), Is.EqualTo(("amd64", "team/python")));
    }

    [Test]
    public void Should_take_the_defaults_when_nothing_is_given()
    {
        var options = Build([], []);

        Assert.That(options, Is.EqualTo(new BuildOptions(null, null, "dockerfiles/images.json", null, null, null, UseDate: false, DryRun: false)));
        Assert.That(options.IsEcr, Is.True);
    }

    [TestCase("use-date", true)]
    [TestCase("use-date=", true)]
    [TestCase("use-date=1", true)]
    [TestCase("use-date=TRUE", true)]
    [TestCase("use-date=false", false)]
    [TestCase("use-date=0", false)]
    public void Should_read_a_switch_with_or_without_a_value(string argument, bool expected) =>
        Assert.That(Build([argument], []).UseDate, Is.EqualTo(expected));

    [Test]
    public void Should_read_use_epoch_from_the_environment() =>
        Assert.That(Build([], ["USE_EPOCH=true"]).UseDate, Is.True);

    [Test]
    public void Should_leave_install_prerequisites_unset_unless_given()
    {
        Assert.That(Build([], []).InstallPrerequisites, Is.Null);
        Assert.That(Build(["install-prerequisites=false"], []).InstallPrerequisites, Is.False);
        Assert.That(Build(["install-prerequisites"], []).InstallPrerequisites, Is.True);
    }

    [Test]
    public void Should_read_the_typed_options()
    {
        var options = Build(["retries=3", "tag-immutability=immutable", "force", "signing-key=k.pem"], []);

        Assert.That((options.Retries, options.TagImmutability, options.Force, options.SigningKey), Is.EqualTo((3, TagMutability.Immutable, true, "k.pem")));
    }

    [TestCase("retries=0", "--retries '0' is not a number of attempts: give 1 (no retry) to 20")]
    [TestCase("retries=x", "--retries 'x' is not a number of attempts")]
    [TestCase("tag-immutability=sometimes", "--tag-immutability 'sometimes' is not a tag mutability: use MUTABLE (the default) or IMMUTABLE.")]
    [TestCase("registry=127.0.0.1:70000", "--registry '127.0.0.1:70000': port 70000 is not in 1-65535")]
    [TestCase("registry=https://r.example", "--registry 'https://r.example' is not a registry host")]
    [TestCase("repository=Team", "--repository 'Team' is not a repository name")]
    [TestCase("tag-suffix=a/b", "--tag-suffix 'a/b' cannot be part of an image tag")]
    public void Should_reject_a_bad_value_naming_it(string argument, string message) =>
        Assert.That(() => Build([argument], []), Throws.TypeOf<CakeException>().With.Message.StartWith(message));

    [Test]
    public void Should_take_the_batch_defaults()
    {
        var options = Batch([]);

        Assert.That(options.BuildspecDirectory, Is.EqualTo("buildspecs"));
        Assert.That(options.BatchBuildspec, Is.EqualTo("buildspecs/batch.yml"));
        Assert.That(options.Layout, Is.EqualTo(new BuildspecLayout()));
        Assert.That((options.Parallel, options.PollInterval), Is.EqualTo((Environment.ProcessorCount, TimeSpan.FromSeconds(5))));
        Assert.That((options.AllowEditedBuildspec, options.Isolation, options.BatchCache, options.CodeBuildProject), Is.EqualTo((false, (Isolation?)null, (string?)null, (string?)null)));
    }

    [Test]
    public void Should_read_the_batch_options()
    {
        var options = Batch(["buildspec-dir=ci/specs", "manifest-nodes=single", "group-by=arch", "parallel=2", "poll-interval=0.5",
            "allow-edited-buildspec", "isolation=process", "batch-cache=/tmp/c", "codebuild-project=p"]);

        Assert.That(options, Is.EqualTo(new BatchOptions("ci/specs", new BuildspecLayout(ManifestNodes.Single, GroupBy.Arch), "ci/specs/batch.yml", 2, "p",
            TimeSpan.FromSeconds(0.5), AllowEditedBuildspec: true, Isolation.Process, "/tmp/c")));
    }

    [TestCase("buildspec-dir=../elsewhere", "--buildspec-dir '../elsewhere' is outside the repository /repo")]
    [TestCase("manifest-nodes=two", "--manifest-nodes 'two' is not a layout: use per-version")]
    [TestCase("group-by=version", "--group-by 'version' is not a grouping: use arch-version")]
    [TestCase("parallel=0", "--parallel '0' is not a number of nodes")]
    [TestCase("poll-interval=301", "--poll-interval '301' is not a number of seconds between 0.05 and 300")]
    [TestCase("isolation=vm", "--isolation 'vm' is not an isolation: use container")]
    public void Should_reject_a_bad_batch_value_naming_it(string argument, string message) =>
        Assert.That(() => Batch([argument]), Throws.TypeOf<CakeException>().With.Message.StartWith(message));

    [TestCase("PushManifest")]
    [TestCase("BuildImage")]
    public void Should_refuse_public_registry_without_ecr(string task)
    {
        using var matrix = TempMatrix.TwoByTwo();
        var options = Build(["registry=127.0.0.1:5000", "public-registry=public.ecr.aws/team"], []);

        Assert.That(() => options.Validate([task], MatrixLoader.Load(matrix.Path)), Throws.TypeOf<CakeException>().With.Message.StartWith(
            "--public-registry 'public.ecr.aws/team' promotes from ECR: run without --registry (ECR mode)"));
    }

    [Test]
    public void Should_accept_public_registry_in_ecr_mode()
    {
        using var matrix = TempMatrix.TwoByTwo();

        Assert.That(() => Build(["public-registry=public.ecr.aws/team"], []).Validate(["PushManifest"], MatrixLoader.Load(matrix.Path)), Throws.Nothing);
    }

    [Test]
    public void Should_ask_for_a_registry_when_the_matrix_builds_on_a_published_base()
    {
        using var matrix = new TempMatrix(
            """{ "repository": "python", "images": [ { "version": "3.12", "dockerfile": "d", "architectures": ["amd64"], "buildArgs": { "BASE": "{registry}/base:1" } } ] }""", "d");
        var loaded = MatrixLoader.Load(matrix.Path);

        Assert.That(() => Build([], []).Validate(["BuildImage"], loaded), Throws.TypeOf<CakeException>().With.Message.EqualTo(
            $"The matrix '{loaded.FilePath}' builds on a base published to the target registry ({{registry}}), so it needs one: " +
            "pass --registry=host[:port] (e.g. --registry=127.0.0.1:5000) or set REGISTRY."));
        Assert.That(() => Build(["registry=127.0.0.1:5000"], []).Validate(["BuildImage"], loaded), Throws.Nothing);
        Assert.That(() => Build([], []).Validate(["TestImage"], loaded), Throws.Nothing);
    }

    private static BuildOptions Build(string[] arguments, string[] environment) =>
        BuildOptions.Parse(Reader(arguments, environment), new RunMode(DryRun: false));

    private static BatchOptions Batch(string[] arguments) => BatchOptionsParser.Parse(Reader(arguments, []), Root);

    // "name=value" as Cake parses --name=value; a bare "name" is a switch given without a value.
    private static OptionReader Reader(string[] arguments, string[] environment)
    {
        static Dictionary<string, string> Pairs(string[] items) => items
            .Select(item => item.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length == 2 ? parts[1] : string.Empty, StringComparer.OrdinalIgnoreCase);
        var given = Pairs(arguments);
        var variables = Pairs(environment);
        return new OptionReader(given.GetValueOrDefault, variables.GetValueOrDefault);
    }
}
