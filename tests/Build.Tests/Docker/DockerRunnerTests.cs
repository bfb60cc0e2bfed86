using Build.Docker;
using Build.Docker.Build;
using Build.Docker.Login;
using Build.Docker.Pull;
using Build.Docker.Push;
using Build.Docker.Version;
using Build.Tests.Support;
using Cake.Core;
using Cake.Docker;

namespace Build.Tests.Docker;

public sealed class DockerRunnerTests
{
    private readonly RealCake _cake = new();

    [Test]
    public void Should_render_every_build_flag_explicitly()
    {
        var settings = new DockerImageBuildSettings
        {
            File = "/src/python 3.8.Dockerfile",
            Platform = "linux/arm64/v8",
            Iidfile = "/tmp/id",
            Pull = true,
            Tag = ["127.0.0.1:5000/python:3.8.t1-arm64v8"],
            BuildArg = ["VERSION=3.8"],
            Label = ["org.opencontainers.image.revision=abc"],
            CacheFrom = ["127.0.0.1:5000/python:3.8-arm64v8"],
        };

        var rendered = DockerImageBuilder.Render(DockerImageBuilder.GetArguments("/src", settings));

        Assert.That(rendered, Is.EqualTo(
            "docker build --platform linux/arm64/v8 --file \"/src/python 3.8.Dockerfile\" --tag \"127.0.0.1:5000/python:3.8.t1-arm64v8\" " +
            "--build-arg \"VERSION=3.8\" --label \"org.opencontainers.image.revision=abc\" --cache-from \"127.0.0.1:5000/python:3.8-arm64v8\" " +
            "--iidfile \"/tmp/id\" --pull \"/src\""));
    }

    [Test]
    public void Should_render_pull_with_the_platform_of_the_image_to_reuse()
    {
        var settings = new DockerImagePullSettings { Platform = "linux/arm64/v8" };

        Assert.That(
            DockerImagePuller.Render(DockerImagePuller.GetArguments("127.0.0.1:5000/python:3.11", settings, quiet: true)),
            Is.EqualTo("docker pull --platform linux/arm64/v8 --quiet \"127.0.0.1:5000/python:3.11\""));
    }

    [Test]
    public void Should_omit_flags_that_are_not_set()
    {
        Assert.That(DockerImageBuilder.Render(DockerImageBuilder.GetArguments("/src", new DockerImageBuildSettings())), Is.EqualTo("docker build \"/src\""));
    }

    [Test]
    public void Should_run_build_with_the_rendered_arguments_and_private_docker_config()
    {
        var (tool, log) = RealCake.RecordingTool();
        var settings = new DockerImageBuildSettings { ToolPath = tool, Platform = "linux/amd64" }.WithDockerConfig("/run/private-config");

        new DockerImageBuilder(_cake.FileSystem, _cake.Environment, _cake.ProcessRunner, _cake.Tools).Build("/src", settings);

        Assert.That(File.ReadAllLines(log), Is.EqualTo(new[] { "build", "--platform", "linux/amd64", "/src" }));
        Assert.That(File.ReadAllText(log + ".env").Trim(), Is.EqualTo("DOCKER_CONFIG=/run/private-config"));
    }

    [Test]
    public void Should_fail_with_dockers_own_error_when_push_exits_non_zero()
    {
        var (tool, _) = RealCake.RecordingTool(exitCode: 1, stderr: "denied: requested access to the resource is denied");

        var error = Assert.Throws<CakeException>(() =>
            new DockerImagePusher(_cake.FileSystem, _cake.Environment, _cake.ProcessRunner, _cake.Tools).Push("r/p:t", new DockerImagePushSettings { ToolPath = tool }))!;

        Assert.That(error.Message, Does.Contain("Pushing r/p:t failed").And.Contain("exited with 1").And.Contain("requested access to the resource is denied"));
    }

    [Test]
    public void Should_say_how_to_start_the_engine_when_it_does_not_answer()
    {
        var (tool, _) = RealCake.RecordingTool(exitCode: 1, stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.");

        var error = Assert.Throws<CakeException>(() =>
            new DockerVersionRunner(_cake.FileSystem, _cake.Environment, _cake.ProcessRunner, _cake.Tools).GetEngine(new DockerVersionSettings { ToolPath = tool }))!;

        Assert.That(error.Message, Does.Contain("does not answer").And.Contain("Cannot connect to the Docker daemon").And.Contain("dockerd"));
    }

    [Test]
    public void Should_read_the_engine_platform()
    {
        var (tool, _) = RealCake.RecordingTool(stdout: """{"Version":"20.10.24","Os":"linux","Arch":"amd64"}""");

        var engine = new DockerVersionRunner(_cake.FileSystem, _cake.Environment, _cake.ProcessRunner, _cake.Tools).GetEngine(new DockerVersionSettings { ToolPath = tool });

        Assert.That((engine.Version, engine.Platform.ToString()), Is.EqualTo(("20.10.24", "linux/amd64")));
    }

    [Test]
    public void Should_pass_the_login_password_on_standard_input_only()
    {
        var (tool, log) = RealCake.RecordingTool();
        var settings = new DockerRegistryLoginSettings { ToolPath = tool, Username = "AWS", Password = "s3cret-token" };

        new DockerLoginRunner(_cake.FileSystem, _cake.Environment, _cake.ProcessRunner, _cake.Tools).Login("127.0.0.1:5000", settings);

        Assert.That(File.ReadAllLines(log), Is.EqualTo(new[] { "login", "--username", "AWS", "--password-stdin", "127.0.0.1:5000" }));
        Assert.That(File.ReadAllText(log + ".stdin"), Is.EqualTo("s3cret-token"));
        Assert.That(settings.ToString(), Does.Not.Contain("s3cret-token"));
        Assert.That(DockerLoginRunner.Render(DockerLoginRunner.GetArguments("r", settings)), Does.Not.Contain("s3cret-token"));
    }

    [Test]
    public void Should_name_the_registry_when_login_fails_without_echoing_the_password()
    {
        var (tool, _) = RealCake.RecordingTool(exitCode: 1, stderr: "unauthorized: incorrect username or password");
        var settings = new DockerRegistryLoginSettings { ToolPath = tool, Username = "AWS", Password = "s3cret-token" };

        var error = Assert.Throws<CakeException>(() =>
            new DockerLoginRunner(_cake.FileSystem, _cake.Environment, _cake.ProcessRunner, _cake.Tools).Login("127.0.0.1:5000", settings))!;

        Assert.That(error.Message, Does.Contain("127.0.0.1:5000").And.Contain("incorrect username or password").And.Not.Contain("s3cret-token"));
    }

    [Test]
    public void Should_say_docker_is_not_installed_when_the_tool_is_missing()
    {
        var error = Assert.Throws<CakeException>(() =>
            new DockerVersionRunner(_cake.FileSystem, _cake.Environment, _cake.ProcessRunner, _cake.Tools).GetEngine(new DockerVersionSettings { ToolPath = "/nonexistent/docker" }))!;

        Assert.That(error.Message, Does.Contain("docker"));
    }
}
