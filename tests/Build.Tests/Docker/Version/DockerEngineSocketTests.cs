using Build.Docker.Version;

namespace Build.Tests.Docker.Version;

public sealed class DockerEngineSocketTests
{
    private string _config = null!;

    [SetUp]
    public void CreateConfig() => _config = Directory.CreateTempSubdirectory("docker-config-").FullName;

    [TearDown]
    public void RemoveConfig() => Directory.Delete(_config, recursive: true);

    [Test]
    public void Should_use_the_default_socket_when_nothing_points_elsewhere() =>
        Assert.That(DockerEngineSocket.LocalSocket(Env()), Is.EqualTo("/var/run/docker.sock"));

    [Test]
    public void Should_use_the_unix_socket_docker_host_names() =>
        Assert.That(DockerEngineSocket.LocalSocket(Env(("DOCKER_HOST", "unix:///run/user/1000/docker.sock"))), Is.EqualTo("/run/user/1000/docker.sock"));

    [TestCase("tcp://10.0.0.5:2376")]
    [TestCase("ssh://builder@10.0.0.5")]
    public void Should_leave_remote_engines_to_the_cli(string host) =>
        Assert.That(DockerEngineSocket.LocalSocket(Env(("DOCKER_HOST", host))), Is.Null);

    [Test]
    public void Should_leave_a_chosen_context_to_the_cli()
    {
        Assert.That(DockerEngineSocket.LocalSocket(Env(("DOCKER_CONTEXT", "remote"))), Is.Null);

        File.WriteAllText(Path.Combine(_config, "config.json"), """{ "currentContext": "remote" }""");
        Assert.That(DockerEngineSocket.LocalSocket(Env()), Is.Null);

        File.WriteAllText(Path.Combine(_config, "config.json"), """{ "currentContext": "default" }""");
        Assert.That(DockerEngineSocket.LocalSocket(Env()), Is.EqualTo("/var/run/docker.sock"));
    }

    [Test]
    public async Task Should_read_the_same_engine_as_docker_version()
    {
        var cli = DockerVersionRunner.Parse(Support.Shell.Run("docker", "version", "--format", "{{json .Server}}"));

        var api = await DockerEngineSocket.GetEngineAsync(DockerEngineSocket.LocalSocket(Environment.GetEnvironmentVariable)!);

        Assert.That(api, Is.EqualTo(cli));
    }

    private Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => name == "DOCKER_CONFIG" ? _config : variables.FirstOrDefault(v => v.Name == name).Value;
}
