using System.Globalization;
using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Frosting;

namespace Build.Context;

/// <summary>
/// Groups each task's log (as GitVersion's BuildTaskLifetime does): Cake prints the task's header, this closes it with
/// the outcome and the duration, and where the CI folds logs (GitHub Actions, Azure Pipelines) wraps the task in a group.
/// </summary>
public sealed class TaskLogLifetime : FrostingTaskLifetime<BuildContext>
{
    public override void Setup(BuildContext context, ITaskSetupContext info)
    {
        if (Folding(context) is { } folding)
        {
            context.Information("{0}{1}", folding.Start, info.Task.Name);
        }
    }

    public override void Teardown(BuildContext context, ITaskTeardownContext info)
    {
        var outcome = info.Skipped ? "skipped" : info.Successful ? "done" : "failed";
        context.Information("{0}: {1} in {2} s", info.Task.Name, outcome, info.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture));
        if (Folding(context) is { } folding)
        {
            context.Information("{0}", folding.End);
        }
    }

    // The log-folding commands of the CI running this, if it has any (CodeBuild and a terminal have none).
    private static (string Start, string End)? Folding(BuildContext context) =>
        context.Environment.GetEnvironmentVariable("GITHUB_ACTIONS") == "true" ? ("::group::", "::endgroup::")
        : context.Environment.GetEnvironmentVariable("TF_BUILD") is { Length: > 0 } ? ("##[group]", "##[endgroup]")
        : null;
}
