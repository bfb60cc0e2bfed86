using Build.Dockerfiles;
using Build.Images;
using Cake.Core.Diagnostics;

namespace Build.Steps.CheckDockerfiles;

/// <summary>
/// CheckDockerfiles' step: every Dockerfile use of every matrix in a folder (current, legacy and local images alike),
/// each with the build args its node would pass.
/// </summary>
/// <param name="relative">A path as messages show it (relative to the working directory).</param>
public sealed class MatrixDockerfileCheck(string folder, Func<string, string> relative, ICakeLog log)
{
    public IEnumerable<ImageMatrix> Matrices() =>
        Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(MatrixLoader.Load);

    /// <returns>The problems found (each once), and how many Dockerfile uses were checked.</returns>
    public (IReadOnlyList<string> Problems, int Checked) Run()
    {
        var problems = new List<string>();
        var checkedFiles = 0;
        foreach (var matrix in Matrices())
        {
            foreach (var entry in matrix.Images)
            {
                foreach (var architecture in entry.Architectures)
                {
                    // Resolve the base as each node would: the entry's build args plus VERSION and ARCH.
                    var buildArgs = new Dictionary<string, string>(entry.BuildArgs) { ["VERSION"] = entry.Version, ["ARCH"] = architecture.Name };
                    problems.AddRange(DockerfileChecker.Check(relative(entry.DockerfilePath), File.ReadAllText(entry.DockerfilePath), buildArgs));
                    checkedFiles++;
                }
            }

            log.Information("{0}: {1} entries checked.", relative(matrix.FilePath), matrix.Images.Count);
        }

        return (problems.Distinct().ToList(), checkedFiles);
    }
}
