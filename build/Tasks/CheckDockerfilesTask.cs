using Build.Context;
using Build.Dockerfiles;
using Build.Images;
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
        var problems = new List<string>();
        var checkedFiles = 0;
        foreach (var matrix in Matrices(context))
        {
            foreach (var entry in matrix.Images)
            {
                foreach (var architecture in entry.Architectures)
                {
                    // Resolve the base as each node would: the entry's build args plus VERSION and ARCH.
                    var buildArgs = new Dictionary<string, string>(entry.BuildArgs) { ["VERSION"] = entry.Version, ["ARCH"] = architecture.Name };
                    problems.AddRange(DockerfileChecker.Check(Relative(context, entry.DockerfilePath), File.ReadAllText(entry.DockerfilePath), buildArgs));
                    checkedFiles++;
                }
            }

            context.Information("{0}: {1} entries checked.", Relative(context, matrix.FilePath), matrix.Images.Count);
        }

        problems = problems.Distinct().ToList();
        if (problems.Count > 0)
        {
            throw new CakeException($"{problems.Count} Dockerfile problem(s): {string.Join(" | ", problems)}");
        }

        context.Information("{0} Dockerfile uses checked: no problems.", checkedFiles);
    }

    public IEnumerable<string> Plan(BuildContext context) =>
        Matrices(context).Select(m => $"check the Dockerfiles of {Relative(context, m.FilePath)}");

    // Every matrix in the folder of --matrix (dockerfiles/ by default): current, legacy and local images alike.
    private static IEnumerable<ImageMatrix> Matrices(BuildContext context) =>
        Directory.GetFiles(Path.GetDirectoryName(context.Matrix.FilePath)!, "*.json").Order(StringComparer.Ordinal).Select(MatrixLoader.Load);

    private static string Relative(BuildContext context, string path) =>
        Path.GetRelativePath(context.Environment.WorkingDirectory.FullPath, path);
}
