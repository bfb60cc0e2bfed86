using Build.Processes;
using Cake.Core;

namespace Build.Tests.Processes;

/// <summary>The host's setup commands and daemons, run for real (sh stands in for apt-get and dockerd).</summary>
public class HostProcessesTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("host-processes-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Should_run_a_command_with_the_given_environment() =>
        Assert.That(() => HostProcesses.Run("sh", ["-c", "test \"$DEBIAN_FRONTEND\" = noninteractive"], "fix", new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" }), Throws.Nothing);

    [Test]
    public void Should_fail_with_the_command_its_exit_code_its_error_lines_and_the_fix() =>
        Assert.That(
            () => HostProcesses.Run("sh", ["-c", "echo 'I: reading'; echo 'E: Unable to locate package nope' >&2; exit 100"], "Install it by hand."),
            Throws.TypeOf<CakeException>().With.Message.EqualTo(
                $"`sh -c echo 'I: reading'; echo 'E: Unable to locate package nope' >&2; exit 100` failed (exit 100):{Environment.NewLine}  E: Unable to locate package nope{Environment.NewLine}Install it by hand."));

    [Test]
    public void Should_say_so_when_the_tool_cannot_start() =>
        Assert.That(() => HostProcesses.Run("no-such-tool-here", [], "Install it."), Throws.TypeOf<CakeException>().With.Message.EqualTo("Could not start no-such-tool-here. Install it."));

    [Test]
    public void Should_start_a_daemon_detached_with_its_output_in_the_log_and_wait_for_it()
    {
        var log = Path.Combine(_folder, "daemon.log");
        var ready = Path.Combine(_folder, "ready");

        HostProcesses.StartDetached("sh", ["-c", $"echo started; touch '{ready}'"], log);
        HostProcesses.WaitFor("the daemon", log, "fix", () => File.Exists(ready), TimeSpan.FromSeconds(30));

        Assert.That(File.ReadAllText(log), Is.EqualTo("started\n"));
    }

    [Test]
    public void Should_give_up_waiting_with_the_end_of_the_log()
    {
        var log = Path.Combine(_folder, "daemon.log");
        File.WriteAllText(log, "level=info msg=starting\nfailed to start daemon: pid file found\n");

        Assert.That(
            () => HostProcesses.WaitFor("the Docker engine", log, "Start it by hand.", () => false, TimeSpan.Zero),
            Throws.TypeOf<CakeException>().With.Message.StartsWith("Started the Docker engine, but it did not answer within 0 seconds. Its log (")
                .And.Message.Contains("failed to start daemon: pid file found").And.Message.EndsWith("Start it by hand."));
    }

    [Test]
    public void Should_find_a_tool_on_the_path_and_a_running_process_by_name()
    {
        Assert.That(HostProcesses.Which("sh"), Does.Exist);
        Assert.That(HostProcesses.Which("no-such-tool-here"), Is.Null);
        Assert.That(HostProcesses.IsRunning(System.Diagnostics.Process.GetCurrentProcess().ProcessName), Is.True);
        Assert.That(HostProcesses.IsRunning("no-such-process-here"), Is.False);
    }
}
