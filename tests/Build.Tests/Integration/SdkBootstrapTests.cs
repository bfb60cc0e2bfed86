using System.Diagnostics;

namespace Build.Tests.Integration;

/// <summary>
/// build.sh's SDK bootstrap on a machine view without the real SDK: a copy of build.sh and a global.json in a temporary
/// repository, PATH made of this machine's tools except dotnet (plus, per test, a fake dotnet root with SDK folders of
/// chosen versions), and DOTNET_INSTALL_SCRIPT_URL pointing at a recording stand-in. The stand-in installs a fake SDK, so
/// the program's build after the bootstrap fails: the tests read what the bootstrap decided and said.
/// </summary>
public sealed class SdkBootstrapTests
{
    private string _root = null!;
    private string _view = null!;

    private string Installs => Path.Combine(_root, "installs.log");

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("sdk-bootstrap-").FullName;
        File.Copy(Path.Combine(Support.BuildProgram.RepositoryRoot, "build.sh"), Path.Combine(_root, "build.sh"));
        // The machine's tools without dotnet: a folder of links, first and only on PATH.
        _view = Path.Combine(_root, "view");
        Directory.CreateDirectory(_view);
        foreach (var tool in new[] { "/usr/bin", "/bin" }.SelectMany(Directory.EnumerateFiles))
        {
            var link = Path.Combine(_view, Path.GetFileName(tool));
            if (Path.GetFileName(tool) != "dotnet" && !File.Exists(link) && !Directory.Exists(link))
            {
                File.CreateSymbolicLink(link, tool);
            }
        }

        // The stand-in records its arguments and installs an SDK of FAKE_SDK_VERSION (a folder, as a real one has).
        Write("standin/dotnet-install.sh", $$"""
            #!/bin/bash
            echo "$*" >> '{{Installs}}'
            while [[ $# -gt 0 ]]; do [[ $1 == --install-dir ]] && dir=$2; shift; done
            [[ -n "${FAKE_INSTALL_FAILS:-}" ]] && { echo "dotnet_install: Error: Could not find \`.NET Core SDK\`"; exit 1; }
            mkdir -p "$dir/sdk/$FAKE_SDK_VERSION" && touch "$dir/sdk/$FAKE_SDK_VERSION/dotnet.dll"
            printf '#!/bin/sh\nexit 3\n' > "$dir/dotnet" && chmod +x "$dir/dotnet"
            """);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [TestCase("10.0.100", "latestFeature", "10.0.401", false, null)]
    [TestCase("10.0.500", "latestFeature", "10.0.401", true, "--channel 10.0")]
    [TestCase("10.0.100", "latestPatch", "10.0.401", true, "--channel 10.0.1xx")]
    [TestCase("10.0.400", "patch", "10.0.401", false, null)]
    [TestCase("10.0.401", "disable", "10.0.401", false, null)]
    [TestCase("10.0.400", "disable", "10.0.401", true, "--version 10.0.400")]
    [TestCase("9.0.100", "latestMajor", "10.0.401", false, null)]
    [TestCase("9.0.100", "latestMinor", "10.0.401", true, "--channel 9.0")]
    public void Should_install_only_when_no_sdk_on_path_satisfies_global_json(string version, string rollForward, string installed, bool installs, string? asked)
    {
        GlobalJson(version, rollForward);
        FakeSystemSdk(installed);

        var output = Run(("FAKE_SDK_VERSION", version));

        if (installs)
        {
            Assert.That(output, Does.Contain($"no .NET SDK on this machine satisfies global.json ({version}, rollForward {rollForward}; dotnet on PATH: {installed} in"));
            Assert.That(File.ReadAllText(Installs).Trim(), Is.EqualTo($"{asked} --install-dir {_root}/.dotnet --no-path"));
            Assert.That(output, Does.Match($@"installed \.NET SDK {version} into \.dotnet/ in [0-9]+\.[0-9] s\."));
        }
        else
        {
            Assert.That(File.Exists(Installs), Is.False, output);
            Assert.That(output, Does.Not.Contain("satisfies global.json"));
        }
    }

    [Test]
    public void Should_install_into_dot_dotnet_once_and_use_it_until_it_is_for_another_cpu()
    {
        GlobalJson("10.0.100", "latestFeature");

        var first = Run(("FAKE_SDK_VERSION", "10.0.401"));
        var second = Run(("FAKE_SDK_VERSION", "10.0.401"));
        File.WriteAllText(Path.Combine(_root, ".dotnet", ".complete"), "some-other-cpu\n");
        var third = Run(("FAKE_SDK_VERSION", "10.0.401"));

        Assert.That(first, Does.Contain("dotnet on PATH: none).").And.Contain("installing the newest 10.0 SDK into .dotnet/ with file://"));
        Assert.That(second, Does.Not.Contain("installing"), "the second run uses .dotnet/");
        Assert.That(third, Does.Contain("installing"), "an SDK restored for another CPU is installed again");
        Assert.That(File.ReadAllLines(Installs), Has.Length.EqualTo(2));
        Assert.That(File.ReadAllText(Path.Combine(_root, ".dotnet", ".complete")).Trim(), Is.EqualTo(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "aarch64" : "x86_64"));
    }

    [Test]
    public void Should_name_the_url_and_how_to_install_by_hand_when_the_download_fails()
    {
        GlobalJson("10.0.100", "latestFeature");

        var (exitCode, output) = RunWithExit(("DOTNET_INSTALL_SCRIPT_URL", "http://127.0.0.1:9/dotnet-install.sh"));

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Does.Contain("could not download the .NET install script from http://127.0.0.1:9/dotnet-install.sh: curl: (7)"));
        Assert.That(output, Does.Contain("Install the .NET SDK by hand (https://dotnet.microsoft.com/download; global.json asks for 10.0.100, rollForward latestFeature)"));
        Assert.That(File.Exists(Path.Combine(_root, ".dotnet", ".complete")), Is.False);
    }

    [Test]
    public void Should_show_the_install_scripts_last_lines_when_it_fails_and_leave_no_usable_dot_dotnet()
    {
        GlobalJson("10.0.100", "latestFeature");

        var (exitCode, output) = RunWithExit(("FAKE_INSTALL_FAILS", "1"), ("FAKE_SDK_VERSION", "10.0.401"));

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Does.Contain("  dotnet_install: Error: Could not find `.NET Core SDK`"));
        Assert.That(output, Does.Contain("the .NET install script (file://").And.Contain("failed (log above, all of it in"));
        Assert.That(File.Exists(Path.Combine(_root, ".dotnet", ".complete")), Is.False, "a failed install is not used by the next run");
    }

    private void GlobalJson(string version, string rollForward) =>
        Write("global.json", $$"""{ "sdk": { "version": "{{version}}", "rollForward": "{{rollForward}}" } }""");

    // A dotnet on PATH whose root has an SDK folder of that version (a symlink, as /usr/bin/dotnet is).
    private void FakeSystemSdk(string version)
    {
        Write($"system-dotnet/sdk/{version}/dotnet.dll", string.Empty);
        Write("system-dotnet/dotnet", "#!/bin/sh\nexit 3\n");
        File.CreateSymbolicLink(Path.Combine(_view, "dotnet"), Path.Combine(_root, "system-dotnet", "dotnet"));
    }

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.ReplaceLineEndings("\n") + "\n");
        if (relative.EndsWith(".sh", StringComparison.Ordinal) || relative.EndsWith("/dotnet", StringComparison.Ordinal))
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string Run(params (string Name, string Value)[] environment) => RunWithExit(environment).Output;

    private (int ExitCode, string Output) RunWithExit(params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _root };
        start.ArgumentList.Add(Path.Combine(_root, "build.sh"));
        start.ArgumentList.Add("--description");
        start.Environment["PATH"] = _view;
        start.Environment["DOTNET_INSTALL_SCRIPT_URL"] = "file://" + Path.Combine(_root, "standin", "dotnet-install.sh");
        foreach (var name in new[] { "DOTNET_ROOT", "CODEBUILD_BUILD_ID", "NUGET_PACKAGES" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
