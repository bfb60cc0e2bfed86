using System.Text.Json;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>
/// Input that must never become an option or a command: the matrix's base suite (mmdebstrap runs as root), CodeBuild's
/// commit variable (git), --repository (docker), a Dockerfile path (the build context), --buildspec-dir (files written).
/// The program runs for real; the tools it would misuse are real or record what they were given.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class UntrustedInputTests
{
    private TempMatrix _matrix = null!;
    private FakeDocker _docker = null!;
    private string _scratch = null!;

    [SetUp]
    public void SetUp()
    {
        _matrix = TempMatrix.TwoByTwo();
        _docker = new FakeDocker();
        _scratch = Directory.CreateTempSubdirectory("untrusted-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        _matrix.Dispose();
        _docker.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    [TestCase("bookworm --customize-hook=true")]
    [TestCase("../../escaped")]
    public async Task Should_refuse_a_base_suite_that_is_not_a_debian_suite_before_running_mmdebstrap(string suite)
    {
        var cache = Path.Combine(_scratch, "cache", "python-images");
        var tools = Path.Combine(_scratch, "tools");
        Directory.CreateDirectory(tools);
        var mmdebstrapLog = Path.Combine(_scratch, "mmdebstrap.log");
        var mmdebstrap = Path.Combine(tools, "mmdebstrap");
        // Records its arguments and makes the output file, as the real one would.
        await File.WriteAllTextAsync(mmdebstrap, $"#!/bin/sh\nfor a in \"$@\"; do echo \"$a\" >> '{mmdebstrapLog}'; done\nfor last; do :; done\n: > \"$last\"\n");
        File.SetUnixFileMode(mmdebstrap, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        WriteMatrixWithBase(suite);
        using var registry = await LocalRegistry.StartAsync();

        var result = BuildProgram.Run(
            [$"--matrix={_matrix.Path}", "--target=BaseImage", $"--registry={registry.Address}", "--tag-suffix=t1", "--install-prerequisites=false"],
            new Dictionary<string, string?>
            {
                ["PATH"] = tools + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
                ["PYTHON_IMAGES_CACHE"] = cache,
            });

        Assert.That(File.Exists(mmdebstrapLog), Is.False, "mmdebstrap ran with: " + (File.Exists(mmdebstrapLog) ? File.ReadAllText(mmdebstrapLog) : ""));
        Assert.That(Directory.GetFiles(_scratch, "*.tar", SearchOption.AllDirectories).Where(f => !f.StartsWith(cache + "/", StringComparison.Ordinal)), Is.Empty, "a file was written outside the cache");
        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain($"suite '{suite}' is not a Debian suite name"));
    }

    [Test]
    public void Should_refuse_a_codebuild_commit_that_is_not_a_commit_id_before_git_sees_it()
    {
        var written = Path.Combine(_scratch, "written-by-git");

        var result = BuildProgram.Run(
            [$"--matrix={_matrix.Path}", "--target=BuildImage", "--registry=127.0.0.1:5000", "--dryrun"],
            new Dictionary<string, string?>(_docker.Environment) { ["CODEBUILD_RESOLVED_SOURCE_VERSION"] = $"HEAD --output={written}" });

        Assert.That(File.Exists(written), Is.False, "git took the variable as an option and wrote a file");
        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain($"CODEBUILD_RESOLVED_SOURCE_VERSION 'HEAD --output={written}' is not a commit id"));
        Assert.That(result.Output, Does.Not.Contain(".HEAD -"), "the value reached a tag");
    }

    [TestCase("Team/Python")]
    [TestCase("My Repo")]
    [TestCase("python --quiet")]
    public void Should_refuse_a_repository_that_is_not_a_repository_name_at_setup(string repository)
    {
        var result = BuildProgram.Run(
            [$"--matrix={_matrix.Path}", "--target=PushImage", "--registry=127.0.0.1:5000", "--tag-suffix=t1", $"--repository={repository}", "--dryrun"],
            _docker.Environment);

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain($"--repository '{repository}' is not a repository name").And.Contain("lowercase"));
        Assert.That(result.Output, Does.Not.Contain("docker build"), "a plan was made with it");
        Assert.That(_docker.Calls, Is.Empty);
    }

    [TestCase("/etc/passwd")]
    [TestCase("../../../../etc/hostname")]
    public void Should_refuse_a_dockerfile_outside_the_matrix_folder(string dockerfile)
    {
        File.WriteAllText(_matrix.Path, File.ReadAllText(_matrix.Path).Replace("\"python3.8.Dockerfile\"", JsonSerializer.Serialize(dockerfile), StringComparison.Ordinal));

        var result = BuildProgram.Run([$"--matrix={_matrix.Path}", "--target=BuildImage", "--registry=127.0.0.1:5000", "--tag-suffix=t1", "--dryrun"], _docker.Environment);

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain($"dockerfile '{dockerfile}' is outside the matrix's folder"));
        Assert.That(result.Output, Does.Not.Contain("docker build"));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_refuse_a_buildspec_dir_outside_the_repository_and_write_nothing()
    {
        var outside = Path.Combine(_scratch, "buildspecs");

        var result = BuildProgram.Run([$"--matrix={_matrix.Path}", "--target=Buildspec", $"--buildspec-dir={outside}", "--tag-suffix=t1"], _docker.Environment);

        Assert.That(Directory.Exists(outside), Is.False, "Buildspec wrote outside the repository");
        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain($"--buildspec-dir '{outside}' is outside the repository"));
    }

    private void WriteMatrixWithBase(string suite) => File.WriteAllText(_matrix.Path, JsonSerializer.Serialize(new
    {
        repository = "trust-base-suite",
        @base = new { repository = "trust-base", tag = "t1", suite, packages = new[] { "python3" } },
        images = new[] { new { version = "3.8", dockerfile = "python3.8.Dockerfile", architectures = new[] { "amd64" } } },
    }));
}
