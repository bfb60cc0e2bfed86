using System.Globalization;
using Build.CodeBuild;
using Build.CodeBuild.Buildspecs;
using Build.CodeBuild.LocalBatch;
using Cake.Core;

namespace Build.Context;

/// <summary>Reads the CodeBuild batch tasks' arguments (<see cref="BatchOptions"/>) once, through the one <see cref="OptionReader"/>.</summary>
public static class BatchOptionsParser
{
    public static BatchOptions Parse(OptionReader read, string workingDirectory)
    {
        var directory = read.Argument(Arguments.BuildspecDirectory) ?? BatchOptions.DefaultBuildspecDirectory;
        var root = workingDirectory;
        var relative = Path.GetRelativePath(root, Path.GetFullPath(directory, root));
        if (Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            // CodeBuild finds a node's buildspec by its path from the source root; one outside the checkout does not exist there.
            throw new CakeException(
                $"--{Arguments.BuildspecDirectory} '{directory}' is outside the repository {root}: CodeBuild reads buildspecs by their path from the " +
                $"source root, so they must be inside it (default --{Arguments.BuildspecDirectory}={BatchOptions.DefaultBuildspecDirectory}).");
        }

        var layout = new BuildspecLayout(
            read.Argument(Arguments.ManifestNodes) switch
            {
                null or BuildspecLayout.PerVersionName => ManifestNodes.PerVersion,
                BuildspecLayout.SingleName => ManifestNodes.Single,
                var other => throw new CakeException(
                    $"--{Arguments.ManifestNodes} '{other}' is not a layout: use {BuildspecLayout.PerVersionName} (the default: one manifest node per version) " +
                    $"or {BuildspecLayout.SingleName} (one manifest node after every build node, as the original graph)."),
            },
            read.Argument(Arguments.GroupBy) switch
            {
                null or BuildspecLayout.ArchVersionName => GroupBy.ArchVersion,
                BuildspecLayout.ArchName => GroupBy.Arch,
                var other => throw new CakeException(
                    $"--{Arguments.GroupBy} '{other}' is not a grouping: use {BuildspecLayout.ArchVersionName} (the default: one build node per arch and version) " +
                    $"or {BuildspecLayout.ArchName} (one build node per arch, building all its versions)."),
            });

        var parallel = Environment.ProcessorCount;
        if (read.Argument(Arguments.Parallel) is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out parallel) || parallel < 1))
        {
            throw new CakeException($"--{Arguments.Parallel} '{text}' is not a number of nodes: give a whole number of at least 1, e.g. --{Arguments.Parallel}=2 (default: the core count, {Environment.ProcessorCount}).");
        }

        var poll = 5.0;
        if (read.Argument(Arguments.PollInterval) is { } seconds && (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out poll) || poll is < 0.05 or > 300))
        {
            throw new CakeException($"--{Arguments.PollInterval} '{seconds}' is not a number of seconds between 0.05 and 300, e.g. --{Arguments.PollInterval}=5 (the default; polling backs off up to 30 s while nothing changes).");
        }

        return new BatchOptions(
            directory,
            layout,
            read.Argument(Arguments.Buildspec) ?? $"{directory}/{BuildspecFiles.Batch}",
            parallel,
            read.Argument(Arguments.CodeBuildProject),
            TimeSpan.FromSeconds(poll),
            read.Flag(Arguments.AllowEditedBuildspec),
            read.Argument(Arguments.Isolation) is { } isolation ? Isolations.Parse(isolation) : null,
            read.Argument(Arguments.BatchCache));
    }
}
