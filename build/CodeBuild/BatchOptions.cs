using System.Globalization;
using Build.CodeBuild.Buildspecs;
using Build.Context;
using Cake.Common;
using Cake.Core;

namespace Build.CodeBuild;

/// <summary>The arguments of the CodeBuild batch tasks, read once in Setup.</summary>
/// <param name="AllowEditedBuildspec">LocalBatch runs buildspecs that differ from what Buildspec writes.</param>
public sealed record BatchOptions(
    string BuildspecDirectory,
    BuildspecLayout Layout,
    string BatchBuildspec,
    int Parallel,
    string? CodeBuildProject,
    TimeSpan PollInterval,
    bool AllowEditedBuildspec = false)
{
    public const string DefaultBuildspecDirectory = "buildspecs";

    public static BatchOptions Parse(ICakeContext context)
    {
        var directory = Argument(context, Arguments.BuildspecDirectory) ?? DefaultBuildspecDirectory;
        var root = context.Environment.WorkingDirectory.FullPath;
        var relative = Path.GetRelativePath(root, Path.GetFullPath(directory, root));
        if (Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            // CodeBuild finds a node's buildspec by its path from the source root; one outside the checkout does not exist there.
            throw new CakeException(
                $"--{Arguments.BuildspecDirectory} '{directory}' is outside the repository {root}: CodeBuild reads buildspecs by their path from the " +
                $"source root, so they must be inside it (default --{Arguments.BuildspecDirectory}={DefaultBuildspecDirectory}).");
        }

        var layout = new BuildspecLayout(
            Argument(context, Arguments.ManifestNodes) switch
            {
                null or BuildspecLayout.PerVersionName => ManifestNodes.PerVersion,
                BuildspecLayout.SingleName => ManifestNodes.Single,
                var other => throw new CakeException(
                    $"--{Arguments.ManifestNodes} '{other}' is not a layout: use {BuildspecLayout.PerVersionName} (the default: one manifest node per version) " +
                    $"or {BuildspecLayout.SingleName} (one manifest node after every build node, as the original graph)."),
            },
            Argument(context, Arguments.GroupBy) switch
            {
                null or BuildspecLayout.ArchVersionName => GroupBy.ArchVersion,
                BuildspecLayout.ArchName => GroupBy.Arch,
                var other => throw new CakeException(
                    $"--{Arguments.GroupBy} '{other}' is not a grouping: use {BuildspecLayout.ArchVersionName} (the default: one build node per arch and version) " +
                    $"or {BuildspecLayout.ArchName} (one build node per arch, building all its versions)."),
            });

        var parallel = Environment.ProcessorCount;
        if (Argument(context, Arguments.Parallel) is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out parallel) || parallel < 1))
        {
            throw new CakeException($"--{Arguments.Parallel} '{text}' is not a number of nodes: give a whole number of at least 1, e.g. --{Arguments.Parallel}=2 (default: the core count, {Environment.ProcessorCount}).");
        }

        var poll = 5.0;
        if (Argument(context, Arguments.PollInterval) is { } seconds && (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out poll) || poll is < 0.05 or > 300))
        {
            throw new CakeException($"--{Arguments.PollInterval} '{seconds}' is not a number of seconds between 0.05 and 300, e.g. --{Arguments.PollInterval}=5 (the default; polling backs off up to 30 s while nothing changes).");
        }

        return new BatchOptions(
            directory,
            layout,
            Argument(context, Arguments.Buildspec) ?? $"{directory}/{BuildspecFiles.Batch}",
            parallel,
            Argument(context, Arguments.CodeBuildProject),
            TimeSpan.FromSeconds(poll),
            context.HasArgument(Arguments.AllowEditedBuildspec) && context.Argument(Arguments.AllowEditedBuildspec, "true").ToLowerInvariant() is "" or "true" or "1");
    }

    private static string? Argument(ICakeContext context, string name) =>
        context.Argument<string?>(name, null) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
