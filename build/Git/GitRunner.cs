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

    protected override string GetToolName() => "git";

    protected override IEnumerable<string> GetToolExecutableNames() => ["git", "git.exe"];
}
