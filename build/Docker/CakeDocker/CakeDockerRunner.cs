using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Cake.Docker;

/// <summary>
/// Runs a docker command as Cake.Docker's GenericDockerRunner does: through Cake's Tool, output to the console, a
/// non-zero exit as Cake's "Docker: Process returned an error (exit code N)."; with a result, standard output read.
/// </summary>
internal sealed class CakeDockerRunner<TSettings>(ICakeContext context)
    : Tool<TSettings>(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools)
    where TSettings : AutoToolSettings
{
    public void Execute(TSettings settings, ProcessArgumentBuilder arguments) => Run(settings, arguments);

    public string[] ExecuteWithResult(TSettings settings, ProcessArgumentBuilder arguments)
    {
        string[] output = [];
        Run(settings, arguments, new ProcessSettings { RedirectStandardOutput = true }, process => output = process.GetStandardOutput().ToArray());
        return output;
    }

    protected override string GetToolName() => "Docker";

    protected override IEnumerable<string> GetToolExecutableNames() => ["docker", "docker.exe"];
}
