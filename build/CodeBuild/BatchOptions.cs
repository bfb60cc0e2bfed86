using Build.CodeBuild.Buildspecs;

namespace Build.CodeBuild;

/// <summary>The arguments of the CodeBuild batch tasks, read once in Setup (Context/BatchOptionsParser).</summary>
/// <param name="AllowEditedBuildspec">LocalBatch runs buildspecs that differ from what Buildspec writes.</param>
/// <param name="Isolation">How LocalBatch runs its nodes; null: in containers where they can run, else as processes.</param>
/// <param name="BatchCache">Where LocalBatch keeps the nodes' CodeBuild cache; null: .artifacts/local-batch/cache.</param>
public sealed record BatchOptions(
    string BuildspecDirectory,
    BuildspecLayout Layout,
    string BatchBuildspec,
    int Parallel,
    string? CodeBuildProject,
    TimeSpan PollInterval,
    bool AllowEditedBuildspec = false,
    LocalBatch.Isolation? Isolation = null,
    string? BatchCache = null)
{
    public const string DefaultBuildspecDirectory = BatchCommandLine.DefaultBuildspecDirectory;
}
