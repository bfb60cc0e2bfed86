using System.Globalization;
using Build.CodeBuild;
using Build.Git;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Build.Context;

/// <summary>Reads the source revision from CodeBuild's variables, else from git.</summary>
public static class SourceInfoReader
{
    public static SourceInfo Read(ICakeContext context, CodeBuildEnvironment codeBuild)
    {
        var git = new GitRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools);

        var revision = codeBuild.ResolvedSourceVersion;
        // One git call for id and time: keeps start-up light.
        // The revision is a commit id (CodeBuildEnvironment checked it) or HEAD; "--" ends it, so it cannot be a path either.
        var log = git.Query("log", "-1", "--format=%H%n%ct", revision ?? "HEAD", "--");
        revision ??= log is { Count: >= 1 } ? log[0].Trim() : null;

        DateTimeOffset? commitTime = null;
        if (log is { Count: >= 2 } && long.TryParse(log[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            commitTime = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        var url = codeBuild.SourceRepoUrl
            ?? git.Query("config", "--get", "remote.origin.url")?.FirstOrDefault();
        var (source, dropped) = SourceInfo.Clean(url);
        if (dropped)
        {
            // The URL itself is not shown: it may be what holds a credential.
            context.Log.Warning(
                "The source repository URL (from {0} or the git remote) cannot be cleaned of credentials with certainty, so the label " +
                "org.opencontainers.image.source is left out. Give a plain URL such as https://host/org/repo.git.",
                EnvVars.CodeBuildSourceRepoUrl);
        }

        return new SourceInfo(revision, commitTime, source);
    }
}
