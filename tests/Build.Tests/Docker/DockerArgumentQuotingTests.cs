using Build.Docker.Build;
using Build.Docker.Inspect;
using Build.Docker.Login;
using Build.Docker.Pull;
using Build.Docker.Push;
using Build.Docker.Run;
using Build.Tests.Support;
using Cake.Docker;

namespace Build.Tests.Docker;

/// <summary>Every image reference and every value reaches docker as exactly one argument.</summary>
public sealed class DockerArgumentQuotingTests
{
    private const string Reference = "127.0.0.1:5000/team/python:3.8.t1-amd64";
    private readonly RealCake _cake = new();

    [Test]
    public void Should_quote_the_tag_and_the_cache_image_of_a_build()
    {
        var settings = new DockerImageBuildSettings { Tag = [Reference], CacheFrom = ["127.0.0.1:5000/team/python:3.8"] };

        Assert.That(DockerImageBuilder.Render(DockerImageBuilder.GetArguments("/src", settings)),
            Is.EqualTo($"docker build --tag \"{Reference}\" --cache-from \"127.0.0.1:5000/team/python:3.8\" \"/src\""));
    }

    [Test]
    public void Should_quote_the_reference_of_push_pull_run_and_inspect()
    {
        Assert.That(DockerImagePusher.Render(DockerImagePusher.GetArguments(Reference, new DockerImagePushSettings())), Is.EqualTo($"docker push \"{Reference}\""));
        Assert.That(DockerImagePuller.Render(DockerImagePuller.GetArguments(Reference, new DockerImagePullSettings())), Is.EqualTo($"docker pull \"{Reference}\""));
        Assert.That(DockerRunner.Render(DockerRunner.GetArguments(Reference, [], new DockerContainerRunSettings { Rm = false })), Is.EqualTo($"docker run \"{Reference}\""));
        Assert.That(DockerImageInspector.Render(DockerImageInspector.GetArguments([Reference])), Does.EndWith($" \"{Reference}\""));
    }

    [Test]
    public void Should_quote_the_registry_and_user_of_a_login()
    {
        var settings = new DockerRegistryLoginSettings { Username = "AWS", Password = "secret" };

        Assert.That(DockerLoginRunner.Render(DockerLoginRunner.GetArguments("127.0.0.1:5000", settings)),
            Is.EqualTo("docker login --username \"AWS\" --password-stdin \"127.0.0.1:5000\""));
    }

    [TestCase("plain")]
    [TestCase("two words")]
    [TestCase("x\" --label \"injected=1")]
    [TestCase("trailing backslash\\")]
    [TestCase("back\\\"slash quote")]
    [TestCase("$(touch pwned) `id` ; | &")]
    [TestCase("")]
    public void Should_hand_docker_each_build_arg_and_label_as_exactly_one_argument(string value)
    {
        var (tool, log) = RealCake.RecordingTool();
        var settings = new DockerImageBuildSettings { ToolPath = tool, BuildArg = [$"ARG={value}"], Label = [$"org.example.label={value}"] };

        new DockerImageBuilder(_cake.FileSystem, _cake.Environment, _cake.ProcessRunner, _cake.Tools).Build("/src dir", settings);

        Assert.That(File.ReadAllLines(log), Is.EqualTo(new[] { "build", "--build-arg", $"ARG={value}", "--label", $"org.example.label={value}", "/src dir" }));
    }
}
