using Build.CodeBuild.Buildspecs;
using Build.Context;
using Cake.Common.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.Buildspec)]
[TaskDescription("Writes the CodeBuild batch buildspecs (buildspecs/) from the matrix: --manifest-nodes=per-version|single, --group-by=arch-version|arch")]
public sealed class BuildspecTask : FrostingTask<BuildContext>, IPlannedTask
{
    public override void Run(BuildContext context)
    {
        var paths = new SourcePaths(context.Environment.WorkingDirectory.FullPath);
        var directory = paths.Resolve(context.Batch.BuildspecDirectory);
        Directory.CreateDirectory(directory);
        foreach (var file in BuildspecSet.Expected(context.Matrix, context.Batch, paths))
        {
            File.WriteAllText(Path.Combine(directory, file.Name), file.Content);
            context.Information("Wrote {0}", paths.Display(Path.Combine(directory, file.Name)));
        }
    }

    public IEnumerable<string> Plan(BuildContext context)
    {
        var paths = new SourcePaths(context.Environment.WorkingDirectory.FullPath);
        return BuildspecSet.Expected(context.Matrix, context.Batch, paths)
            .Select(f => $"write {paths.Display(Path.Combine(paths.Resolve(context.Batch.BuildspecDirectory), f.Name))}");
    }
}
