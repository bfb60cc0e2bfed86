using System.Diagnostics;

namespace Build.CodeBuild.LocalBatch.Containers;

/// <summary>The few short docker commands a container batch needs (create and remove its network, probe, inspect), with their output.</summary>
public static class DockerCli
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public bool Succeeded => ExitCode == 0;

        /// <summary>What docker said went wrong: its "docker: ..." or "Error ..." line, else the first line of stderr.</summary>
        public string LastError
        {
            get
            {
                var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return lines.FirstOrDefault(l => l.StartsWith("docker:", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal))
                    ?? lines.FirstOrDefault() ?? $"exit code {ExitCode}";
            }
        }
    }

    public static async Task<Result> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("docker did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new Result(process.ExitCode, (await output).Trim(), (await error).Trim());
    }

    public static Task<Result> RunAsync(params string[] arguments) => RunAsync((IEnumerable<string>)arguments);
}
