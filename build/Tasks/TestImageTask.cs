using Build.Context;
using Build.Steps.TestArchImage;
using Build.SupplyChain;
using Cake.Core;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.TestImage)]
[TaskDescription("Runs each built image for its platform: python --version, platform.machine() and pip --version must match the matrix (not again for an image that runs exactly like the previous published one)")]
[IsDependentOn(typeof(BuildImageTask))]
public sealed class TestImageTask : FrostingTask<BuildContext>, IPlannedTask
{
    public override void Run(BuildContext context)
    {
        var tester = new ArchImageTester(context, context.Tags, context.DockerConfigDirectory, context.Options.Force, inventory: context.Signing.Signer is not null);
        var failures = new List<string>();
        foreach (var target in context.Selection.Images)
        {
            var built = context.State.Built.FirstOrDefault(b => b.Target == target);
            var test = tester.Test(target, context.State.IsReused(target), built?.Previous is { } p ? new BuiltFromPrevious(built.Runtime, p.Reference, p.Runtime) : null);
            if (test.RanAndPassed)
            {
                ArchImageSupplyChain.RecordInventory(context, target, test.Output);
            }

            failures.AddRange(test.Problems.Count > 0 ? [$"{test.Reference}: {string.Join("; ", test.Problems)}"] : []);
        }

        if (failures.Count > 0)
        {
            throw new CakeException($"TestImage failed, so nothing was pushed: {string.Join(" | ", failures)}.");
        }
    }

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Selection.Images.Select(target => ArchImageTester.Plan(context.Tags, target, context.DockerConfigDirectory));
}
