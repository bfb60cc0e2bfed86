using System.Globalization;
using Build.CodeBuild;
using Build.Git;
using Cake.Core;

namespace Build.Context;

/// <summary>Reads the source revision from CodeBuild's variables, else from git.</summary>
public static class SourceInfoReader
{
    public static SourceInfo Read(ICakeContext context, CodeBuildEnvironment codeBuild)
    {
        var git = new GitRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools);

        var revision = codeBuild.ResolvedSourceVersion;
        // One git call for id and time: keeps start-up light.
        var log = git.Query("log", "-1", "--format=%H%n%ct", revision ?? "HEAD");
        revision ??= log is { Count: >= 1 } ? log[0].Trim() : null;

        DateTimeOffset? commitTime = null;
        if (log is { Count: >= 2 } && long.TryParse(log[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            commitTime = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        var url = codeBuild.SourceRepoUrl
            ?? git.Query("config", "--get", "remote.origin.url")?.FirstOrDefault();

        return new SourceInfo(revision, commitTime, SourceInfo.StripCredentials(url));
    }
}
