using System.Text;
using System.Text.RegularExpressions;
using Cake.Core;
using Cake.Frosting;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Build.Tests.Frosting;

/// <summary>What the test tasks and lifetimes did, in order.</summary>
public sealed class Recorder
{
    public List<string> Events { get; } = [];

    public void Add(string value) => Events.Add(value);
}

/// <summary>A user context as a build defines one; it gets the recorder through constructor injection.</summary>
public sealed class SampleContext(ICakeContext context, Recorder recorder) : FrostingContext(context)
{
    public Recorder Recorder { get; } = recorder;
}

internal sealed record RunResult(int ExitCode, IReadOnlyList<string> Events, string Output);

/// <summary>Runs a CakeHost in-process over this assembly's tasks, with Cake's output captured.</summary>
internal static partial class Harness
{
    public static RunResult Run(params string[] args) => Run(_ => { }, args);

    public static RunResult Run(Action<CakeHost> configure, params string[] args)
    {
        var recorder = new Recorder();
        var console = new CapturingConsole();
        var ansiOutput = new StringWriter();
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(ansiOutput),
        });

        var host = new CakeHost()
            .UseContext<SampleContext>()
            .AddAssembly(typeof(Harness).Assembly)
            .ConfigureServices(services =>
            {
                services.AddSingleton(recorder);
                services.AddSingleton<IConsole>(console);
                services.AddSingleton<IAnsiConsole>(ansi);
            });
        configure(host);

        var exitCode = host.Run(args);
        // Spectre may still detect ANSI support from TERM; assertions are on the text only, with \n line ends.
        var output = AnsiEscape().Replace(console.Output + ansiOutput, string.Empty).ReplaceLineEndings("\n");
        return new RunResult(exitCode, recorder.Events, output);
    }

    [GeneratedRegex(@"\x1B\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiEscape();

    // Cake's log (and the --tree host) write through IConsole; keep stdout and stderr in one buffer.
    private sealed class CapturingConsole : IConsole
    {
        private readonly StringBuilder _output = new();

        public string Output => _output.ToString();

        public ConsoleColor ForegroundColor { get; set; }

        public ConsoleColor BackgroundColor { get; set; }

        public bool SupportAnsiEscapeCodes => false;

        public void Write(string format, params object[] arg)
        {
            if (arg.Length == 0)
            {
                _output.Append(format);
            }
            else
            {
                _output.AppendFormat(format, arg);
            }
        }

        public void WriteLine(string format, params object[] arg)
        {
            Write(format, arg);
            _output.AppendLine();
        }

        public void WriteError(string format, params object[] arg) => Write(format, arg);

        public void WriteErrorLine(string format, params object[] arg) => WriteLine(format, arg);

        public void ResetColor()
        {
        }
    }
}
