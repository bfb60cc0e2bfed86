using System.Diagnostics;
using System.Text;

namespace Build.Tests.Support;

/// <summary>
/// Runs the build program as a user does: through <c>./build.sh</c>, so that the tests run the program users get (the
/// composite build that build.sh keeps in .artifacts/build; tests/run.sh builds it first), not the Build.dll next to the tests.
/// </summary>
public static class BuildProgram
{
    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}";
    }

    public static string RepositoryRoot { get; } = Build.Context.RepositoryRoot.Locate();

    private static string Script => Path.Combine(RepositoryRoot, "build.sh");

    public static Result Run(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        Run("bash", Script, arguments, environment, timeout);

    private static Result Run(string program, string first, IEnumerable<string> arguments, IDictionary<string, string?>? environment, TimeSpan? timeout)
    {
        using var running = Start(program, first, arguments, environment);
        return running.Wait(timeout ?? TimeSpan.FromMinutes(15));
    }

    /// <summary>Starts the program without waiting: for tests that kill it part way.</summary>
    public static Running Start(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null) =>
        Start("bash", Script, arguments, environment);

    private static Running Start(string program, string first, IEnumerable<string> arguments, IDictionary<string, string?>? environment)
    {
        arguments = arguments.ToList();
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

        return new Running(start, arguments);
    }

    /// <summary>A started run: its output so far, and a way to wait for it or kill it.</summary>
    public sealed class Running : IDisposable
    {
        private readonly StringBuilder _output = new();
        private readonly Process _process;
        private readonly IEnumerable<string> _arguments;

        internal Running(ProcessStartInfo start, IEnumerable<string> arguments)
        {
            _arguments = arguments;
            _process = new Process { StartInfo = start };
            _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (_output) { _output.AppendLine(e.Data); } } };
            _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (_output) { _output.AppendLine(e.Data); } } };
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public Result Wait(TimeSpan timeout)
        {
            if (!_process.WaitForExit(timeout))
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The build program did not finish: {string.Join(' ', _arguments)}\n{Output}");
            }

            _process.WaitForExit();
            TestContext.Progress.WriteLine($"$ build {string.Join(' ', _arguments)} → exit {_process.ExitCode}");
            return new Result(_process.ExitCode, Output);
        }

        /// <summary>Sends a signal to the program alone (not the processes it started), as `kill -s TERM pid` does.</summary>
        public void Signal(string signal) => Shell.Run("kill", "-s", signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>SIGKILL to the program and every process it started (docker CLI included): no cleanup runs.</summary>
        public Result KillHard()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            TestContext.Progress.WriteLine($"$ build {string.Join(' ', _arguments)} → killed");
            return new Result(_process.ExitCode, Output);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }
    }
}
