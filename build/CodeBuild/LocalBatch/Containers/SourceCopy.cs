using Build.Git;

namespace Build.CodeBuild.LocalBatch.Containers;

/// <summary>
/// A node's source, as CodeBuild checks it out: a clone at the commit, with this working tree's changes on top (tracked
/// and new files, not ignored ones: no .artifacts/, .dotnet/ or built program comes along, as none is in a checkout).
/// </summary>
public static class SourceCopy
{
    private const string Failure = "LocalBatch could not copy the source for a node";

    public static Task MakeAsync(GitRunner git, string sourceRoot, string destination, CancellationToken cancellationToken) =>
        Task.Run(() => Make(git, sourceRoot, destination, cancellationToken), cancellationToken);

    private static void Make(GitRunner git, string sourceRoot, string destination, CancellationToken cancellationToken)
    {
        var head = string.Concat(git.Run(sourceRoot, Failure, "rev-parse", "HEAD")).Trim();
        git.Run(sourceRoot, Failure, "clone", "--quiet", "--no-checkout", sourceRoot, destination);
        git.Run(destination, Failure, "checkout", "--quiet", "--detach", head);
        // -z: names as git stores them, NUL-separated (a name may hold a newline, which splits the output's lines).
        var files = string.Join('\n', git.Run(sourceRoot, Failure, "ls-files", "-z", "--cached", "--others", "--exclude-standard"))
            .Split('\0', StringSplitOptions.RemoveEmptyEntries);
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var from = Path.Combine(sourceRoot, file);
            if (File.Exists(from) && !File.GetAttributes(from).HasFlag(FileAttributes.ReparsePoint))
            {
                var to = Path.Combine(destination, file);
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(from, to, overwrite: true);
            }
        }
    }
}
