using Build.Context;
using Build.Docker;
using Build.Docker.Run;
using Build.Images;
using Build.SupplyChain;
using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Docker;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.TestImage)]
[TaskDescription("Runs each built image for its platform: python --version, platform.machine() and pip --version must match the matrix (not again for an image that runs exactly like the previous published one)")]
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

            if (RunsLikeTheTestedPrevious(context, target) is { } previous)
            {
                context.Information(
                    "{0}: same platform, layers and runtime config as the previous image {1}, which passed TestImage before it was published: not run again (--force runs it)",
                    reference,
                    previous);
                continue;
            }

            var output = context.DockerRunBuiltImage(Settings(context, target), reference, ImageSmokeTest.CommandFor(inventory: context.Signing.Signer is not null));
            var result = ImageSmokeTest.Parse(output);
            var problems = ImageSmokeTest.Problems(result, target);
            if (problems.Count == 0)
            {
                context.Information("{0}: {1} on {2}, {3}", reference, result.PythonVersion, result.Machine, result.PipVersion);
                ArchImageSupplyChain.RecordInventory(context, target, output);
                continue;
            }

            failures.Add($"{reference}: {string.Join("; ", problems)}");
        }

        if (failures.Count > 0)
        {
            throw new CakeException($"TestImage failed, so nothing was pushed: {string.Join(" | ", failures)}.");
        }
    }

    // An image that only differs from the previous one in labels (e.g. rebuilt because a file of the context that
    // the Dockerfile does not copy changed, with every step from --cache-from) runs exactly as that one did.
    private static string? RunsLikeTheTestedPrevious(BuildContext context, ImageTarget target)
    {
        if (context.Options.Force || context.State.Built.FirstOrDefault(b => b.Target == target) is not { Previous: { } previous } built)
        {
            return null;
        }

        context.Verbose("Runtime of {0}: {1}; of {2}: {3}", built.Reference, built.Runtime.Identity, previous.Reference, previous.Runtime.Identity);
        return built.Runtime.Identity == previous.Runtime.Identity ? previous.Reference : null;
    }

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Selection.Images.Select(target => DockerRunner.Render(DockerRunner.GetArguments(
            context.Tags.Reference(context.Tags.ArchTag(target)), ImageSmokeTest.Command, Settings(context, target), DockerRunner.NeverPull)));

    // No network: the smoke test has no use for an interface.
    private static DockerContainerRunSettings Settings(BuildContext context, ImageTarget target) => new DockerContainerRunSettings
    {
        Rm = true,
        Platform = target.Architecture.Platform.ToString(),
        Entrypoint = ImageSmokeTest.Entrypoint,
        Network = "none",
    }.WithDockerConfig(context.DockerConfigDirectory);
}
