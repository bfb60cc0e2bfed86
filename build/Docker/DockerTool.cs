using Build.Http;
using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Docker;

/// <summary>
/// Base of this build's own docker CLI runners (the extensions in <see cref="ProductDockerAliases"/>), in Cake's Tool
/// style: one runner per command, arguments built by hand (one line per flag), rendered without secrets for logs and
/// --dryrun, docker's own error in the exception. They take Cake.Docker's settings types where Cake.Docker has the verb.
/// </summary>
public abstract class DockerTool<TSettings>(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : Tool<TSettings>(fileSystem, environment, processRunner, tools)
    where TSettings : ToolSettings
{
    /// <summary>The command line as it would run, secrets redacted: what --dryrun prints.</summary>
    public static string Render(ProcessArgumentBuilder arguments) => "docker " + arguments.RenderSafe();

    protected override string GetToolName() => "Docker";

    protected override IEnumerable<string> GetToolExecutableNames() => ["docker", "docker.exe"];

    /// <summary>Runs docker and returns its standard output; a failure becomes one message with docker's own error.</summary>
    protected IReadOnlyList<string> RunAndCapture(TSettings settings, ProcessArgumentBuilder arguments, string failure, Action<string>? onLine = null)
    {
        var output = new List<string>();
        var errors = new List<string>();
        var processSettings = new ProcessSettings
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectedStandardOutputHandler = line => { if (line is not null) { output.Add(line); onLine?.Invoke(line); } return line; },
            RedirectedStandardErrorHandler = line => { if (line is not null) { errors.Add(line); onLine?.Invoke(line); } return line; },
        };

        var exitCode = 0;
        var previous = settings.HandleExitCode;
        settings.HandleExitCode = code => { exitCode = code; return true; };
        try
        {
            Run(settings, arguments, processSettings, null);
        }
        finally
        {
            settings.HandleExitCode = previous;
        }

        if (exitCode != 0)
        {
            // docker's error may quote an upload URL, whose query holds a presigned signature.
            var detail = Redaction.Text(errors.Count > 0 ? string.Join(" ", errors.TakeLast(5)) : string.Join(" ", output.TakeLast(5)));
            throw new CakeException($"{failure} ({Render(arguments)} exited with {exitCode}): {detail}");
        }

        return output;
    }
}
