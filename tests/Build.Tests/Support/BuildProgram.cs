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

    public static Result Run(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        using var running = Start(arguments, environment);
        return running.Wait(timeout ?? TimeSpan.FromMinutes(15));
    }

    /// <summary>Starts the program without waiting: for tests that kill it part way.</summary>
    public static Running Start(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null)
    {
        arguments = arguments.ToList();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot,
        };
        start.ArgumentList.Add(typeof(Build.Context.BuildContext).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A CodeBuild node's variables must not leak in from the machine running the tests.
        foreach (var name in new[] { "ARCH", "VERSION", "REGISTRY", "TAG_SUFFIX", "USE_EPOCH", "REGISTRY_USERNAME", "REGISTRY_PASSWORD", "CODEBUILD_RESOLVED_SOURCE_VERSION" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["NO_COLOR"] = "1";
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
