using Build.CodeBuild.Buildspecs;
using Build.Context;
using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.CheckBuildspec)]
[TaskDescription("Validates the committed batch buildspec (keys, identifiers, depend-on, cycles, the matrix) and that it is what Buildspec writes")]
public sealed class CheckBuildspecTask : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var paths = new SourcePaths(context.Environment.WorkingDirectory.FullPath);
        var (batch, problems) = BuildspecSet.Check(context.Matrix, context.Batch, paths);
        if (problems.Count > 0)
        {
            throw new CakeException(
                $"The batch buildspec {batch.File} has {problems.Count} problem(s):{Environment.NewLine}" +
                string.Join(Environment.NewLine, problems.Distinct().Select(p => "  " + p)));
        }

        context.Information("{0}: {1} node(s) [{2}], every matrix image and version has its node; the files are what Buildspec writes.",
            batch.File, batch.Nodes.Count, string.Join(", ", batch.Nodes.Select(n => n.Identifier)));
    }
}
