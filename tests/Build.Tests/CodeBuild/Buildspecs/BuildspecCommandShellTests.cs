using Build.CodeBuild.Buildspecs;

namespace Build.Tests.CodeBuild.Buildspecs;

/// <summary>
/// The command Buildspec writes into every node's buildspec runs in CodeBuild's shell: it is run here in a real bash,
/// with a ./build.sh that prints the arguments it got, one per line.
/// </summary>
public sealed class BuildspecCommandShellTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Directory.CreateTempSubdirectory("buildspec-shell-").FullName;
        var script = Path.Combine(_directory, "build.sh");
        File.WriteAllText(script, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Should_pass_registry_as_one_argument_whatever_it_holds()
    {
        var registry = "127.0.0.1:5000 --target=Publish *";

        var arguments = RunInBash(BuildspecGenerator.Command(BuildspecGenerator.BuildTarget, null), registry);

        Assert.That(arguments, Is.EqualTo(new[] { "--target=PushImage", $"--registry={registry}", "--use-date" }));
    }

    [Test]
    public void Should_pass_the_matrix_path_as_one_argument_whatever_it_holds()
    {
        var matrix = "dockerfiles/it's a $(touch pwned) `touch pwned2` matrix.json";

        var arguments = RunInBash(BuildspecGenerator.Command(BuildspecGenerator.ManifestTarget, matrix), "127.0.0.1:5000");

        Assert.That(arguments, Is.EqualTo(new[] { "--target=PushManifest", "--registry=127.0.0.1:5000", "--use-date", $"--matrix={matrix}" }));
        Assert.That(Directory.GetFiles(_directory, "pwned*"), Is.Empty, "the matrix path ran a command");
    }

    private string[] RunInBash(string command, string registry)
    {
        var start = new System.Diagnostics.ProcessStartInfo("bash", ["-c", command])
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["REGISTRY"] = registry },
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), $"{command}: {error}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
