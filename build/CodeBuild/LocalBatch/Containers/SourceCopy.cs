using System.Diagnostics;
using Cake.Core;

namespace Build.CodeBuild.LocalBatch.Containers;

/// <summary>
/// A node's source, as CodeBuild checks it out: a clone at the commit, with this working tree's changes on top (tracked
/// and new files, not ignored ones: no .artifacts/, .dotnet/ or built program comes along, as none is in a checkout).
/// </summary>
public static class SourceCopy
{
    public static async Task MakeAsync(string sourceRoot, string destination, CancellationToken cancellationToken)
    {
        var head = (await Git(sourceRoot, cancellationToken, "rev-parse", "HEAD")).Trim();
        await Git(sourceRoot, cancellationToken, "clone", "--quiet", "--no-checkout", sourceRoot, destination);
        await Git(destination, cancellationToken, "checkout", "--quiet", "--detach", head);
        var files = (await Git(sourceRoot, cancellationToken, "ls-files", "-z", "--cached", "--others", "--exclude-standard")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        foreach (var file in files)
        {
            var from = Path.Combine(sourceRoot, file);
            if (File.Exists(from) && !File.GetAttributes(from).HasFlag(FileAttributes.ReparsePoint))
            {
                var to = Path.Combine(destination, file);
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(from, to, overwrite: true);
            }
        }
    }

    private static async Task<string> Git(string directory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0
            ? await output
            : throw new CakeException($"LocalBatch could not copy the source for a node: git {string.Join(' ', arguments)} in {directory} exited {process.ExitCode}: {(await error).Trim()}");
    }
}
