using Build.Context;
using Build.Steps.BuildArchImage;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.BuildImage)]
[TaskDescription("Builds each selected arch image with docker build --platform (qemu for foreign platforms)")]
[IsDependentOn(typeof(BaseImageTask))]
public sealed class BuildImageTask : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public override async Task RunAsync(BuildContext context)
    {
        var builder = new ArchImageBuilder(
            context, context.Options.Registry is null ? null : context.RegistryClient, context.Tags, context.BuildSettings(), context.InputsResolver(),
            context.DockerConfigDirectory, context.Options.Force);
        foreach (var target in context.Selection.Images)
        {
            switch (await builder.BuildAsync(target))
            {
                case ReusedArchImage reused:
                    context.State.Reused.Add(new ReusedImage(target, reused.Reference, reused.InputsTag, reused.Digest));
                    break;
                case BuiltArchImage built:
                    var previous = built.Previous is { } p ? new PreviousImage(p.Reference, p.Runtime) : null;
                    context.State.Built.Add(new BuiltImage(target, built.Reference, built.ImageId, built.Runtime, built.Inputs, previous));
                    break;
            }
        }
    }

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Selection.Images.Select(target => ArchImageBuilder.Plan(context.BuildSettings(), target));
}
