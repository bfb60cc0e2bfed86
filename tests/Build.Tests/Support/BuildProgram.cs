using System.Diagnostics;
using System.Text;

namespace Build.Tests.Support;

/// <summary>Runs the real build program (the Build.dll next to the tests) as a user would run ./build.sh.</summary>
public static class BuildProgram
{
    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}";
    }

    public static string RepositoryRoot { get; } = Build.Context.RepositoryRoot.Locate();

    public static Result Run(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        Run("dotnet", typeof(Build.Context.BuildContext).Assembly.Location, arguments, environment, timeout);

    /// <summary>Runs <c>./build.sh</c> itself (which builds the program into .artifacts/ when its sources changed), as a CodeBuild node does.</summary>
    public static Result RunScript(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        Run("bash", Path.Combine(RepositoryRoot, "build.sh"), arguments, environment, timeout);

    private static Result Run(string program, string first, IEnumerable<string> arguments, IDictionary<string, string?>? environment, TimeSpan? timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot,
        };
        start.ArgumentList.Add(first);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A CodeBuild node's variables must not leak in from the machine running the tests.
        foreach (var name in new[] { "ARCH", "VERSION", "REGISTRY", "TAG_SUFFIX", "USE_EPOCH", "REGISTRY_USERNAME", "REGISTRY_PASSWORD" })
        {
            start.Environment.Remove(name);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("CODEBUILD_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["NO_COLOR"] = "1";

        // No AWS identity of the machine leaks in either, and the SDK never probes the instance metadata address.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal) || k == "PUBLIC_REGISTRY").ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_CONFIG_FILE"] = "/nonexistent/aws/config";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws/credentials";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(15)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The build program did not finish: {string.Join(' ', arguments)}\n{output}");
        }

        process.WaitForExit();
        TestContext.Progress.WriteLine($"$ build {string.Join(' ', arguments)} → exit {process.ExitCode}");
        return new Result(process.ExitCode, output.ToString());
    }
}
