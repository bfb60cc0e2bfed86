using Build.Debian;
using Build.Tests.Support;
using Cake.Core;
using Cake.Core.IO;
using Path = System.IO.Path;

namespace Build.Tests.Debian;

/// <summary>mmdebstrap failures through Cake's real process runner: the error keeps what mmdebstrap said and how to fix it.</summary>
public class MmdebstrapRunnerTests
{
    private static string StandIn(string output, int exitCode)
    {
        var directory = Directory.CreateTempSubdirectory("mmdebstrap-").FullName;
        var tool = Path.Combine(directory, "mmdebstrap");
        File.WriteAllText(tool, $"#!/bin/sh\ncat >&2 <<'OUT'\n{output}\nOUT\nexit {exitCode}\n");
        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return tool;
    }

    private static CakeException Fail(string output, int exitCode, string architecture = "arm64")
    {
        var cake = new RealCake();
        var runner = new MmdebstrapRunner(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools);
        var settings = new MmdebstrapSettings { Architecture = architecture, ToolPath = new FilePath(StandIn(output, exitCode)) };
        var lines = new List<string>();
        var error = Assert.Throws<CakeException>(() => runner.Create("bookworm", "/tmp/never.tar", settings, lines.Add))!;
        Assert.That(lines, Does.Contain("I: automatically chosen mode: root"), "mmdebstrap's output still reaches the log as it runs");
        return error;
    }

    [Test]
    public void Should_keep_mmdebstrap_error_and_say_to_install_arch_test_when_it_is_missing()
    {
        var error = Fail("I: automatically chosen mode: root\nI: arm64 cannot be executed natively, but transparently using qemu-user binfmt_misc emulation\nE: install arch-test for foreign architecture support", 25);

        Assert.That(error.Message, Does.Contain("`mmdebstrap --arch=arm64 --variant=minbase \"bookworm\" \"/tmp/never.tar\"` failed (exit 25):"));
        Assert.That(error.Message, Does.Contain("  E: install arch-test for foreign architecture support"));
        Assert.That(error.Message, Does.Contain("sudo apt-get install arch-test"));
        Assert.That(error.Message, Does.Not.Contain("I: automatically chosen mode"), "info lines are not what went wrong");
    }

    [Test]
    public void Should_say_to_check_the_mirror_when_packages_cannot_be_fetched()
    {
        var error = Fail("I: automatically chosen mode: root\nE: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure resolving 'deb.debian.org'", 1, "amd64");

        Assert.That(error.Message, Does.Contain("Temporary failure resolving 'deb.debian.org'"));
        Assert.That(error.Message, Does.Contain("reaches the Debian mirror"));
    }

    [Test]
    public void Should_keep_the_last_lines_when_mmdebstrap_prints_no_error_line()
    {
        var error = Fail("I: automatically chosen mode: root\nsetting up base-files\nSegmentation fault", 139);

        Assert.That(error.Message, Does.Contain("(exit 139):"));
        Assert.That(error.Message, Does.Contain("  Segmentation fault"));
        Assert.That(error.Message, Does.Contain("mmdebstrap --arch=arm64 --variant=minbase bookworm /tmp/test.tar"), "the generic advice says how to see the whole output");
    }

    [Test]
    public void Should_render_the_suite_and_the_output_quoted_after_the_options()
    {
        var settings = new MmdebstrapSettings { Architecture = "arm64", Include = ["python3", "python3-pip"] };

        var rendered = MmdebstrapRunner.GetArguments("bookworm", "/cache/bookworm-arm64.partial.tar", settings).Render();

        Assert.That(rendered, Is.EqualTo("--arch=arm64 --variant=minbase --include=python3,python3-pip \"bookworm\" \"/cache/bookworm-arm64.partial.tar\""));
    }
}
