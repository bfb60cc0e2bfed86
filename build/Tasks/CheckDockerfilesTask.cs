using Build.Context;
using Build.Steps.CheckDockerfiles;
using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.CheckDockerfiles)]
[TaskDescription("Checks every Dockerfile of every matrix beside --matrix: build args declared, no 'latest' base, no download piped into a shell")]
public sealed class CheckDockerfilesTask : FrostingTask<BuildContext>, IPlannedTask
{
    public override void Run(BuildContext context)
    {
        var (problems, checkedFiles) = Check(context).Run();
        if (problems.Count > 0)
        {
            throw new CakeException($"{problems.Count} Dockerfile problem(s): {string.Join(" | ", problems)}");
        }

        context.Information("{0} Dockerfile uses checked: no problems.", checkedFiles);
    }

    public IEnumerable<string> Plan(BuildContext context) =>
        Check(context).Matrices().Select(m => $"check the Dockerfiles of {Relative(context, m.FilePath)}");

    // Every matrix in the folder of --matrix (dockerfiles/ by default).
    private static MatrixDockerfileCheck Check(BuildContext context) =>
        new(Path.GetDirectoryName(context.Matrix.FilePath)!, path => Relative(context, path), context.Log);

    private static string Relative(BuildContext context, string path) =>
        Path.GetRelativePath(context.Environment.WorkingDirectory.FullPath, path);
}
