using System.Security.Cryptography;
using System.Text;
using Build.Docker.Config;
using Cake.Core;

namespace Build.Tests.Docker.Config;

// docker's own lookup order, on real files and real helper scripts: credHelpers, then credsStore, then auths.
public sealed class DockerConfigFileTests
{
    private string _directory = null!;
    private Dictionary<string, string?> _environment = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Directory.CreateTempSubdirectory("docker-config-").FullName;
        Directory.CreateDirectory(Path.Combine(_directory, "bin"));
        _environment = new Dictionary<string, string?>
        {
            ["DOCKER_CONFIG"] = Path.Combine(_directory, "config"),
            ["HOME"] = Path.Combine(_directory, "home"),
            ["PATH"] = Path.Combine(_directory, "bin") + ":/usr/bin:/bin",
        };
        Directory.CreateDirectory(Path.Combine(_directory, "config"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private string ConfigPath => Path.Combine(_directory, "config", "config.json");

    [Test]
    public void Should_read_the_auth_that_docker_login_writes()
    {
        WriteConfig("""{"auths": {"127.0.0.1:5000": {"auth": "YnVpbGRlcjpwYTU1OndvcmQ="}}}""");

        var auth = Read().Find("127.0.0.1:5000");

        Assert.That(auth, Is.EqualTo(new DockerAuth("builder", "pa55:word", null, ConfigPath + " (auths)")));
        Assert.That(auth!.ToString(), Does.Not.Contain("pa55"));
    }

    [Test]
    public void Should_match_an_auths_key_written_as_a_URL_by_its_host()
    {
        WriteConfig("""{"auths": {"https://registry.example.com/v2/": {"username": "ci", "password": "secret"}}}""");

        Assert.That(Read().Find("registry.example.com")?.Password, Is.EqualTo("secret"));
        Assert.That(Read().Find("registry.example.com:5000"), Is.Null);
    }

    [Test]
    public void Should_read_an_identity_token()
    {
        WriteConfig("""{"auths": {"registry.example.com": {"auth": "PHRva2VuPjo=", "identitytoken": "refresh-123"}}}""");

        var auth = Read().Find("registry.example.com");

        Assert.That((auth?.Username, auth?.IdentityToken), Is.EqualTo(("<token>", "refresh-123")));
    }

    [Test]
    public void Should_file_Docker_Hub_under_its_v1_URL()
    {
        WriteConfig("""{"auths": {"https://index.docker.io/v1/": {"auth": "aHViOnB3"}}}""");

        Assert.That(Read().Find("docker.io")?.Username, Is.EqualTo("hub"));
    }

    [Test]
    public void Should_find_nothing_without_a_config_and_look_in_the_home_folder_without_DOCKER_CONFIG()
    {
        _environment.Remove("DOCKER_CONFIG");
        var home = Path.Combine(_directory, "home", ".docker");

        Assert.That(DockerConfigFile.Locate(_environment.GetValueOrDefault), Is.EqualTo(Path.Combine(home, "config.json")));
        Assert.That(Read().Find("127.0.0.1:5000"), Is.Null);
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, "config.json"), """{"auths": {"127.0.0.1:5000": {"auth": "dTpw"}}}""");
        Assert.That(Read().Find("127.0.0.1:5000")?.Username, Is.EqualTo("u"));
    }

    [Test]
    public void Should_ask_the_credHelpers_entry_before_credsStore_and_auths()
    {
        var asked = Helper("perhost", """{"ServerURL": "127.0.0.1:5000", "Username": "helper-user", "Secret": "helper-secret"}""");
        Helper("store", """{"Username": "store-user", "Secret": "store-secret"}""");
        WriteConfig("""{"auths": {"127.0.0.1:5000": {"auth": "dTpw"}}, "credsStore": "store", "credHelpers": {"127.0.0.1:5000": "perhost"}}""");

        var auth = Read().Find("127.0.0.1:5000");

        Assert.That(auth, Is.EqualTo(new DockerAuth("helper-user", "helper-secret", null, "docker-credential-perhost")));
        Assert.That(File.ReadAllText(asked), Is.EqualTo("get 127.0.0.1:5000\n"), "docker's protocol: get, server address on standard input");
        Assert.That(Read().Find("other.example.com")?.Username, Is.EqualTo("store-user"), "any other host goes to credsStore");
    }

    [Test]
    public void Should_take_a_helpers_token_user_as_an_identity_token()
    {
        Helper("oidc", """{"Username": "<token>", "Secret": "refresh-456"}""");
        WriteConfig("""{"credsStore": "oidc"}""");

        Assert.That(Read().Find("registry.example.com")?.IdentityToken, Is.EqualTo("refresh-456"));
    }

    [Test]
    public void Should_find_nothing_when_the_helper_has_no_login()
    {
        Helper("store", "credentials not found in native keychain", exitCode: 1);
        WriteConfig("""{"credsStore": "store", "auths": {"127.0.0.1:5000": {}}}""");

        Assert.That(Read().Find("127.0.0.1:5000"), Is.Null);
    }

    [Test]
    public void Should_name_a_helper_that_is_not_on_PATH_or_fails()
    {
        WriteConfig("""{"credsStore": "desktop"}""");
        var missing = Assert.Throws<CakeException>(() => Read().Find("127.0.0.1:5000"));
        Assert.That(missing!.Message, Does.Contain("docker-credential-desktop is not on PATH").And.Contain("REGISTRY_USERNAME"));

        Helper("broken", "keychain is locked", exitCode: 3);
        WriteConfig("""{"credsStore": "broken"}""");
        var failed = Assert.Throws<CakeException>(() => Read().Find("127.0.0.1:5000"));
        Assert.That(failed!.Message, Does.Contain("docker-credential-broken get failed for 127.0.0.1:5000 (exit 3): keychain is locked"));
    }

    [Test]
    public void Should_never_write_the_config()
    {
        Helper("store", """{"Username": "u", "Secret": "s"}""");
        WriteConfig("""{"credsStore": "store", "auths": {"a.example.com": {"auth": "dTpw"}}}""");
        var before = (SHA256.HashData(File.ReadAllBytes(ConfigPath)), File.GetLastWriteTimeUtc(ConfigPath));

        Read().Find("a.example.com");
        Read().Find("127.0.0.1:5000");

        Assert.That((SHA256.HashData(File.ReadAllBytes(ConfigPath)), File.GetLastWriteTimeUtc(ConfigPath)), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(ConfigPath)!), Is.EqualTo(new[] { ConfigPath }));
    }

    [Test]
    public void Should_say_which_file_is_not_JSON()
    {
        WriteConfig("{ not json");

        var error = Assert.Throws<CakeException>(() => Read());

        Assert.That(error!.Message, Does.Contain(ConfigPath).And.Contain("not valid JSON"));
    }

    private DockerConfigFile Read() => DockerConfigFile.Read(_environment.GetValueOrDefault);

    private void WriteConfig(string json) => File.WriteAllText(ConfigPath, json);

    // A docker-credential-<name> on PATH that records how it was asked and prints the answer.
    private string Helper(string name, string answer, int exitCode = 0)
    {
        var log = Path.Combine(_directory, name + ".asked");
        var script = Path.Combine(_directory, "bin", "docker-credential-" + name);
        File.WriteAllText(script, $"#!/bin/sh\nprintf '%s %s\\n' \"$1\" \"$(cat)\" >> '{log}'\nprintf '%s' '{answer}'\nexit {exitCode}\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return log;
    }
}
