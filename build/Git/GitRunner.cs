using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Git;

public sealed class GitSettings : ToolSettings;

/// <summary>
/// Read-only git queries (commit id, commit time, remote). Returns null when git or the checkout is missing.
/// Every argument is quoted: one argument each, whatever it holds. Callers end options with <c>--</c>.
/// </summary>
public sealed class GitRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : Tool<GitSettings>(fileSystem, environment, processRunner, tools)
{
    public IReadOnlyList<string>? Query(params string[] args)
    {
        var builder = new ProcessArgumentBuilder();
        foreach (var arg in args)
        {
            builder.AppendQuoted(arg);
        }

        IReadOnlyList<string>? output = null;
        try
        {
            Run(
                new GitSettings(),
                builder,
                new ProcessSettings { RedirectStandardOutput = true, RedirectStandardError = true, Silent = true },
                process => output = process.GetExitCode() == 0 ? process.GetStandardOutput().ToList() : null);
        }
        catch (CakeException)
        {
            // git missing or the folder is not a checkout: the caller falls back or asks for an explicit value.
            return null;
        }

        return output;
    }

    /// <summary>
    /// Runs git in <paramref name="workingDirectory"/> and returns its standard output; a failure throws one message:
    /// <paramref name="failure"/>, the command, its exit code and git's own error lines.
    /// </summary>
    public IReadOnlyList<string> Run(string workingDirectory, string failure, params string[] args)
    {
        var builder = new ProcessArgumentBuilder();
        foreach (var arg in args)
        {
            builder.AppendQuoted(arg);
        }

        var output = new List<string>();
        var errors = new List<string>();
        var exitCode = 0;
        Run(
            new GitSettings { WorkingDirectory = workingDirectory, HandleExitCode = code => { exitCode = code; return true; } },
            builder,
            new ProcessSettings
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Silent = true,
                RedirectedStandardOutputHandler = line => { if (line is not null) { output.Add(line); } return line; },
                RedirectedStandardErrorHandler = line => { if (line is not null) { errors.Add(line); } return line; },
            },
            null);
        return exitCode == 0
            ? output
            : throw new CakeException($"{failure}: git {string.Join(' ', args)} in {workingDirectory} exited {exitCode}: {string.Join(" ", errors).Trim()}");
    }

    protected override string GetToolName() => "git";

    protected override IEnumerable<string> GetToolExecutableNames() => ["git", "git.exe"];
}
