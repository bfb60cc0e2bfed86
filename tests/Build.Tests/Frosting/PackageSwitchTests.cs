using System.Diagnostics;
using System.Text.Json;
using Build.Tests.Support;

namespace Build.Tests.Frosting;

// UseCakeFrostingPackage (Directory.Build.props) is the one switch between build/Frosting and the Cake.Frosting package.
// The package is not served here, so the package build is followed as far as it gets: the projects' evaluation and a
// restore that fails on Cake.Frosting alone.
[NonParallelizable]
public sealed class PackageSwitchTests
{
    private static readonly string Root = BuildProgram.RepositoryRoot;

    [Test]
    public void Should_compile_the_stand_in_over_Cake_Tools_engine_by_default()
    {
        var build = Evaluate("build/Build.csproj", usePackage: false);
        var tests = Evaluate("tests/Build.Tests/Build.Tests.csproj", usePackage: false);

        Assert.That(build.Compile, Has.Some.EqualTo("Frosting/CakeHost.cs"));
        Assert.That(build.Packages, Has.None.StartsWith("Cake.Frosting"));
        Assert.That(build.HintPaths, Has.Some.EndsWith("/cake.tool/7.0.0/tools/net10.0/any/Cake.Core.dll"));
        Assert.That(tests.HintPaths, Has.Some.EndsWith("/cake.tool/7.0.0/tools/net10.0/any/Cake.Core.dll"));
    }

    [Test]
    public void Should_reference_the_Cake_Frosting_package_instead_when_switched()
    {
        var build = Evaluate("build/Build.csproj", usePackage: true);
        var tests = Evaluate("tests/Build.Tests/Build.Tests.csproj", usePackage: true);

        Assert.That(build.Compile, Has.None.StartsWith("Frosting/"));
        Assert.That(build.Compile, Has.Some.EqualTo("Program.cs").And.Some.EqualTo("Context/RunMode.cs"));
        Assert.That(build.Packages, Has.Some.EqualTo("Cake.Frosting 7.0.0"));
        Assert.That(build.HintPaths, Is.Empty);
        Assert.That(tests.HintPaths, Is.Empty);
        // The Frosting tests stay: against the package they check that it behaves as the stand-in was made to.
        Assert.That(tests.Compile, Has.Some.EqualTo("Frosting/CakeHostTests.cs"));
    }

    [Test]
    public void Should_restore_in_both_modes_up_to_the_package_this_machine_does_not_serve()
    {
        var copy = CopyOfTheProjects();
        try
        {
            var standIn = Dotnet(copy, "restore", "build/Build.csproj", "-p:UseCakeFrostingPackage=false");
            var package = Dotnet(copy, "restore", "build/Build.csproj", "-p:UseCakeFrostingPackage=true");

            Assert.That(standIn.ExitCode, Is.EqualTo(0), standIn.Output);
            Assert.That(package.ExitCode, Is.Not.EqualTo(0), package.Output);
            Assert.That(package.Output, Does.Contain("NU1101").And.Contain("Cake.Frosting"));
            // Every other package of the project restores: Cake.Frosting is the only one missing.
            Assert.That(package.Output.Split('\n').Where(l => l.Contains("error NU", StringComparison.Ordinal)),
                Has.All.Contain("Cake.Frosting"));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private sealed record Evaluation(IReadOnlyList<string> Compile, IReadOnlyList<string> Packages, IReadOnlyList<string> HintPaths);

    private static Evaluation Evaluate(string project, bool usePackage)
    {
        var result = Dotnet(Root, "msbuild", project, $"-p:UseCakeFrostingPackage={usePackage}",
            "-getItem:Compile", "-getItem:PackageReference", "-getItem:Reference");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output);
        var items = JsonDocument.Parse(result.Output).RootElement.GetProperty("Items");
        IEnumerable<JsonElement> Of(string type) => items.TryGetProperty(type, out var list) ? list.EnumerateArray() : [];
        string Get(JsonElement item, string name) => item.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";
        return new Evaluation(
            [.. Of("Compile").Select(i => Get(i, "Identity").Replace('\\', '/'))],
            [.. Of("PackageReference").Select(i => $"{Get(i, "Identity")} {Get(i, "Version")}")],
            [.. Of("Reference").Select(i => Get(i, "HintPath")).Where(p => p.Length > 0)]);
    }

    // The restore writes obj/; a copy keeps the checkout's own restore (which this test run uses) untouched.
    private static string CopyOfTheProjects()
    {
        var copy = Directory.CreateTempSubdirectory("frosting-switch-").FullName;
        foreach (var file in Shell.Run("git", "-C", Root, "ls-files", "build", "global.json", "Directory.Build.props", "Directory.Build.targets")
                     .Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var target = Path.Combine(copy, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(Root, file), target);
        }

        return copy;
    }

    private static (int ExitCode, string Output) Dotnet(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
