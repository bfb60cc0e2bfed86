using Build.Context;
using Build.Docker;
using Build.Docker.Run;
using Build.Images;
using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.TestImage)]
[TaskDescription("Runs each built image for its platform: python --version, platform.machine() and pip --version must match the matrix")]
[IsDependentOn(typeof(BuildImageTask))]
public sealed class TestImageTask : FrostingTask<BuildContext>, IPlannedTask
{
    public override void Run(BuildContext context)
    {
        var failures = new List<string>();
        foreach (var target in context.Selection.Images)
        {
            var reference = context.Tags.Reference(context.Tags.ArchTag(target));
            if (context.State.IsReused(target))
            {
                context.Information("{0}: not built this run (inputs unchanged); it was tested when first built", reference);
                continue;
            }

            var output = context.DockerRun(reference, ImageSmokeTest.Command, Settings(context, target));
            var result = ImageSmokeTest.Parse(output);
            var problems = ImageSmokeTest.Problems(result, target);
            if (problems.Count == 0)
            {
                context.Information("{0}: {1} on {2}, {3}", reference, result.PythonVersion, result.Machine, result.PipVersion);
                continue;
            }

            failures.Add($"{reference}: {string.Join("; ", problems)}");
        }

        if (failures.Count > 0)
        {
            throw new CakeException($"TestImage failed, so nothing was pushed: {string.Join(" | ", failures)}.");
        }
    }

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Selection.Images.Select(target => DockerRunner.Render(DockerRunner.GetArguments(
            context.Tags.Reference(context.Tags.ArchTag(target)), ImageSmokeTest.Command, Settings(context, target))));

    private static DockerRunSettings Settings(BuildContext context, ImageTarget target) => new()
    {
        Platform = target.Architecture.Platform.ToString(),
        Entrypoint = ImageSmokeTest.Entrypoint,
        ConfigDirectory = context.DockerConfigDirectory,
    };
}
