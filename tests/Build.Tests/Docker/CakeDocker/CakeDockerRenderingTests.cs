using System.Diagnostics;
using Build.Docker;
using Build.Tests.Support;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Docker;
using Path = System.IO.Path;

namespace Build.Tests.Docker.CakeDocker;

/// <summary>
/// The stand-in's aliases start docker with the arguments Cake.Docker's would (<see cref="CakeDockerRules"/>), seen
/// by a script in docker's place; the same script run with the oracle's command line must record the same list.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class CakeDockerRenderingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cakedocker-rendering-").FullName;
    private readonly RecordingLog _log = new();
    private readonly ICakeContext _context;

    public CakeDockerRenderingTests() => _context = new RealCake(_log).Context();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Should_build_with_cake_dockers_arguments()
    {
        var settings = new DockerImageBuildSettings
        {
            ToolPath = Recorder("ours"),
            BuildArg = ["VERSION=3.11", "NOTE=two words"],
            CacheFrom = ["127.0.0.1:5000/python:3.11"],
            File = "/src/python 3.11.Dockerfile",
            Iidfile = "/tmp/id",
            Label = ["org.opencontainers.image.revision=abc"],
            NoCache = false,
            Platform = "linux/arm64/v8",
            Pull = true,
            Tag = ["127.0.0.1:5000/python:3.11-arm64v8", "python:local"],
        };

        _context.DockerBuild(settings, "/src/build context");

        Assert.That(Recorded("ours"), Is.EqualTo(new[]
        {
            "image", "build", "--build-arg", "VERSION=3.11", "--build-arg", "NOTE=two words", "--cache-from", "127.0.0.1:5000/python:3.11",
            "--file", "/src/python 3.11.Dockerfile", "--iidfile", "/tmp/id", "--label", "org.opencontainers.image.revision=abc",
            "--platform", "linux/arm64/v8", "--pull", "--tag", "127.0.0.1:5000/python:3.11-arm64v8", "--tag", "python:local", "/src/build context",
        }));
        Assert.That(Recorded("ours"), Is.EqualTo(Oracle(CakeDockerRules.Render("image build", settings, "\"/src/build context\""))));
    }

    [Test]
    public void Should_leave_an_already_quoted_build_path_as_it_is()
    {
        _context.DockerBuild(new DockerImageBuildSettings { ToolPath = Recorder("ours") }, "\"/src\"");

        Assert.That(Recorded("ours"), Is.EqualTo(new[] { "image", "build", "/src" }));
    }

    [Test]
    public void Should_push_pull_and_load_with_cake_dockers_arguments()
    {
        var push = new DockerImagePushSettings { ToolPath = Recorder("push"), AllTags = true };
        var pull = new DockerImagePullSettings { ToolPath = Recorder("pull"), AllTags = true, Platform = "linux/amd64" };
        var load = new DockerImageLoadSettings { ToolPath = Recorder("load"), Input = "/tmp/base image.tar", Quiet = true };

        _context.DockerPush(push, "127.0.0.1:5000/python");
        _context.DockerPull(pull, "127.0.0.1:5000/python");
        _context.DockerLoad(load);

        Assert.That(Recorded("push"), Is.EqualTo(new[] { "push", "--all-tags", "127.0.0.1:5000/python" }));
        Assert.That(Recorded("push"), Is.EqualTo(Oracle(CakeDockerRules.Render("push", push, "127.0.0.1:5000/python"))));
        Assert.That(Recorded("pull"), Is.EqualTo(new[] { "pull", "--all-tags", "--platform", "linux/amd64", "127.0.0.1:5000/python" }));
        Assert.That(Recorded("pull"), Is.EqualTo(Oracle(CakeDockerRules.Render("pull", pull, "127.0.0.1:5000/python"))));
        Assert.That(Recorded("load"), Is.EqualTo(new[] { "load", "--input", "/tmp/base image.tar", "--quiet" }));
        Assert.That(Recorded("load"), Is.EqualTo(Oracle(CakeDockerRules.Render("load", load))));
    }

    [Test]
    public void Should_use_default_settings_when_given_none()
    {
        var tool = Recorder("ours");
        _context.Tools.RegisterFile(tool);

        _context.DockerPush("127.0.0.1:5000/python:3.11");

        Assert.That(Recorded("ours"), Is.EqualTo(new[] { "push", "127.0.0.1:5000/python:3.11" }));
    }

    [Test]
    public void Should_log_in_as_cake_docker_does_with_the_password_redacted_in_the_log()
    {
        var settings = new DockerRegistryLoginSettings { ToolPath = Recorder("ours"), Username = "AWS", Password = "s3cret-token" };

        _context.DockerLogin(settings, "127.0.0.1:5000");

        // Cake.Docker puts the password on docker's command line (the build logs in with DockerLoginWithPasswordStdin instead).
        Assert.That(Recorded("ours"), Is.EqualTo(new[] { "login", "--password", "s3cret-token", "--username", "AWS", "127.0.0.1:5000" }));
        Assert.That(Recorded("ours"), Is.EqualTo(Oracle(CakeDockerRules.Render("login", settings, "127.0.0.1:5000"))));
        Assert.That(_log.Lines, Has.Some.Contains("login --password \"[REDACTED]\" --username \"AWS\" 127.0.0.1:5000"));
        Assert.That(_log.Lines, Has.None.Contains("s3cret-token"));
    }

    [Test]
    public void Should_log_in_without_a_server_and_with_password_stdin_when_set()
    {
        var settings = new DockerRegistryLoginSettings { ToolPath = Recorder("ours"), Username = "AWS", PasswordStdin = true };

        _context.DockerLogin(settings);

        Assert.That(Recorded("ours"), Is.EqualTo(new[] { "login", "--password-stdin", "--username", "AWS" }));
        Assert.That(Recorded("ours"), Is.EqualTo(Oracle(CakeDockerRules.Render("login", settings))));
    }

    [Test]
    public void Should_run_with_cake_dockers_arguments_and_return_the_first_line()
    {
        var settings = new DockerContainerRunSettings
        {
            ToolPath = Recorder("ours", stdout: "first\nsecond\n"),
            Entrypoint = "sh",
            Network = "none",
            Platform = "linux/arm64/v8",
            Rm = true,
        };

        var first = _context.DockerRun(settings, "127.0.0.1:5000/python:3.11", "-c", "echo first");

        Assert.That(first, Is.EqualTo("first"));
        // Cake.Docker appends the command's arguments unquoted: "echo first" reaches docker as two arguments.
        Assert.That(Recorded("ours"), Is.EqualTo(new[]
        {
            "run", "--entrypoint", "sh", "--network", "none", "--platform", "linux/arm64/v8", "--rm", "127.0.0.1:5000/python:3.11", "-c", "echo", "first",
        }));
        Assert.That(Recorded("ours"), Is.EqualTo(Oracle(CakeDockerRules.Render("run", settings, "127.0.0.1:5000/python:3.11", "-c", "echo first"))));
    }

    [Test]
    public void Should_run_without_result_and_drop_arguments_without_a_command()
    {
        _context.DockerRunWithoutResult(new DockerContainerRunSettings { ToolPath = Recorder("ours") }, "python:3.11", string.Empty, "ignored");

        Assert.That(Recorded("ours"), Is.EqualTo(new[] { "run", "python:3.11" }));
    }

    [Test]
    public void Should_give_docker_the_private_config_through_the_settings_environment()
    {
        _context.DockerPull(new DockerImagePullSettings { ToolPath = Recorder("ours") }.WithDockerConfig("/run/private-config"), "python:3.11");

        Assert.That(File.ReadAllText(Path.Combine(_directory, "ours.env")).Trim(), Is.EqualTo("DOCKER_CONFIG=/run/private-config"));
    }

    [Test]
    public void Should_fail_as_cake_docker_does_when_docker_fails()
    {
        var error = Assert.Throws<CakeException>(() =>
            _context.DockerPush(new DockerImagePushSettings { ToolPath = Recorder("ours", exitCode: 1) }, "127.0.0.1:5000/python:3.11"))!;

        Assert.That(error.Message, Is.EqualTo("Docker: Process returned an error (exit code 1)."));
    }

    [TestCase("")]
    [TestCase(null)]
    public void Should_refuse_an_empty_reference_as_cake_docker_does(string? reference)
    {
        var error = Assert.Throws<ArgumentNullException>(() => _context.DockerPush(new DockerImagePushSettings(), reference!))!;

        Assert.That(error.ParamName, Is.EqualTo("imageReference"));
    }

    // A docker stand-in (named docker, in a folder of its own) that records its arguments one per line, and DOCKER_CONFIG, under the given name.
    private string Recorder(string name, string stdout = "", int exitCode = 0)
    {
        var tool = Path.Combine(Directory.CreateDirectory(Path.Combine(_directory, name)).FullName, "docker");
        File.WriteAllText(tool, $"""
            #!/bin/sh
            : > '{_directory}/{name}.args'
            for a in "$@"; do printf '%s\n' "$a" >> '{_directory}/{name}.args'; done
            echo "DOCKER_CONFIG=$DOCKER_CONFIG" > '{_directory}/{name}.env'
            printf '{stdout.Replace("\n", "\\n")}'
            exit {exitCode}

            """);
        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return tool;
    }

    private string[] Recorded(string name) => File.ReadAllLines(Path.Combine(_directory, name + ".args"));

    // What docker receives from the oracle's command line, started as Cake's process runner starts it (one arguments string).
    private string[] Oracle(ProcessArgumentBuilder arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(Recorder("oracle"), arguments.Render()) { UseShellExecute = false })!;
        process.WaitForExit();
        return Recorded("oracle");
    }
}
