using Build.Registry;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>
/// The run-private DOCKER_CONFIG holds the registry password: it must not outlive the run. The program runs for real
/// against a real registry with a login, with a `docker` first on PATH that logs in for real (it writes the config as
/// docker does) and then hangs in `docker build`, so that the test can stop the run with a real signal.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class PrivateDockerConfigTests
{
    private static readonly RegistryCredentials Login = new("builder", "pa55-" + Guid.NewGuid().ToString("N"));
    private LocalRegistry _registry = null!;
    private TempMatrix _matrix = null!;
    private string _tools = null!;

    private string CallLog => Path.Combine(_tools, "calls.log");

    [OneTimeSetUp]
    public async Task StartRegistry()
    {
        LocalRegistry.RequireInstalled(withAuth: true);
        _registry = await LocalRegistry.StartAsync(Login);
    }

    [OneTimeTearDown]
    public void StopRegistry() => _registry?.Dispose();

    [SetUp]
    public void SetUp()
    {
        _matrix = TempMatrix.TwoByTwo();
        _tools = Directory.CreateTempSubdirectory("hanging-docker-").FullName;
        var script = Path.Combine(_tools, "docker");
        File.WriteAllText(script, $$$$"""
            #!/bin/sh
            echo "$1 DOCKER_CONFIG=$DOCKER_CONFIG" >> '{{{{CallLog}}}}'
            case "$1" in
              version) echo '{"Version":"20.10.24","Os":"linux","Arch":"amd64"}' ;;
              --version) echo 'Docker version 20.10.24, build 297e128' ;;
              buildx) echo "docker: 'buildx' is not a docker command." >&2; exit 1 ;;
              login) auth=$(printf '%s:%s' "$3" "$(cat)" | base64 -w0)
                     printf '{"auths":{"%s":{"auth":"%s"}}}' "$5" "$auth" > "$DOCKER_CONFIG/config.json" ;;
              build) exec sleep 120 ;;
              *) echo "unexpected docker $*" >&2; exit 1 ;;
            esac
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [TearDown]
    public void TearDown()
    {
        _matrix.Dispose();
        Directory.Delete(_tools, recursive: true);
    }

    [TestCase("TERM", 143)]
    [TestCase("INT", 130)]
    public void Should_remove_the_private_docker_config_and_exit_128_plus_the_signal_when_stopped(string signal, int exitCode)
    {
        using var run = StartHangingBuild();
        var config = WaitForDockerBuild(run);
        Assert.That(File.ReadAllText(Path.Combine(config, "config.json")), Does.Contain(_registry.Address), "the login is in the private config");

        run.Signal(signal);
        var result = run.Wait(TimeSpan.FromSeconds(30));

        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.ToString());
        Assert.That(Directory.Exists(config), Is.False, $"SIG{signal} left the private DOCKER_CONFIG {config} behind");
    }

    [Test]
    public void Should_remove_a_private_docker_config_left_by_a_killed_run_at_the_next_start()
    {
        string config;
        using (var run = StartHangingBuild())
        {
            config = WaitForDockerBuild(run);
            run.KillHard();
        }

        Assert.That(Directory.Exists(config), Is.True, "SIGKILL runs no cleanup: the config is left until the next start");
        Thread.Sleep(TimeSpan.FromSeconds(1.5)); // A folder younger than a second may belong to a run that is starting.

        var next = BuildProgram.Run([$"--matrix={_matrix.Path}", "--target=BuildImage", $"--registry={_registry.Address}", "--tag-suffix=t1", "--dryrun"], Environment());

        Assert.That(next.ExitCode, Is.EqualTo(0), next.ToString());
        Assert.That(Directory.Exists(config), Is.False, $"the next start left the dead run's private DOCKER_CONFIG {config}");
    }

    private BuildProgram.Running StartHangingBuild() =>
        BuildProgram.Start([$"--matrix={_matrix.Path}", "--target=PushImage", "--arch=amd64", "--python-version=3.8", $"--registry={_registry.Address}", "--tag-suffix=t1"], Environment());

    private Dictionary<string, string?> Environment() => new()
    {
        ["PATH"] = _tools + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH"),
        // Not the local socket: the engine is asked through the CLI, which is the script above.
        ["DOCKER_HOST"] = "tcp://127.0.0.1:9",
        ["REGISTRY_USERNAME"] = Login.Username,
        ["REGISTRY_PASSWORD"] = Login.Password,
    };

    /// <summary>Waits until the run is in `docker build` and returns the DOCKER_CONFIG its login went to.</summary>
    private string WaitForDockerBuild(BuildProgram.Running run)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var calls = File.Exists(CallLog) ? File.ReadAllLines(CallLog) : [];
            if (calls.Any(c => c.StartsWith("build ", StringComparison.Ordinal)))
            {
                var login = calls.FirstOrDefault(c => c.StartsWith("login ", StringComparison.Ordinal));
                Assert.That(login, Is.Not.Null, "the run reached docker build without logging in:\n" + string.Join("\n", calls));
                return login!["login DOCKER_CONFIG=".Length..];
            }

            Thread.Sleep(100);
        }

        Assert.Fail("the run did not reach docker build:\n" + run.Output);
        return "";
    }
}
