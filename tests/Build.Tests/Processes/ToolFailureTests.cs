using Build.Processes;

namespace Build.Tests.Processes;

public class ToolFailureTests
{
    [Test]
    public void Should_prefer_error_lines_over_the_last_lines()
    {
        var lines = ToolFailure.MeaningfulLines(["Reading package lists...", "E: Unable to locate package nope", "", "Building dependency tree..."]);

        Assert.That(lines, Is.EqualTo(new[] { "E: Unable to locate package nope" }));
    }

    [Test]
    public void Should_keep_the_last_non_blank_lines_when_no_line_is_an_error()
    {
        var lines = ToolFailure.MeaningfulLines(Enumerable.Range(1, 10).Select(i => $"line {i}").Append("  "));

        Assert.That(lines, Is.EqualTo(new[] { "line 5", "line 6", "line 7", "line 8", "line 9", "line 10" }));
    }

    [Test]
    public void Should_read_dockerd_error_lines_from_its_log()
    {
        var lines = ToolFailure.MeaningfulLines([
            "time=\"2026-01-01T00:00:00Z\" level=info msg=\"Starting up\"",
            "time=\"2026-01-01T00:00:01Z\" level=error msg=\"failed to start daemon: pid file found, ensure docker is not running\"",
        ]);

        Assert.That(lines, Has.Count.EqualTo(1));
        Assert.That(lines[0], Does.Contain("pid file found"));
    }

    [Test]
    public void Should_describe_a_failure_with_the_command_the_exit_code_the_lines_and_the_fix()
    {
        var message = ToolFailure.Describe("apt-get install -y arch-test", 100, ["E: Could not get lock /var/lib/dpkg/lock-frontend"], "Wait for the other apt to finish, then rerun.");

        Assert.That(message, Is.EqualTo(
            $"`apt-get install -y arch-test` failed (exit 100):{Environment.NewLine}  E: Could not get lock /var/lib/dpkg/lock-frontend{Environment.NewLine}Wait for the other apt to finish, then rerun."));
    }

    [Test]
    public void Should_keep_only_the_latest_lines_of_a_long_output()
    {
        var tail = new ToolFailure.Tail(capacity: 3);
        foreach (var i in Enumerable.Range(1, 1000))
        {
            tail.Add($"line {i}");
        }

        Assert.That(tail.Lines, Is.EqualTo(new[] { "line 998", "line 999", "line 1000" }));
    }
}
