using Build.Context;
using Build.Steps.PublishArchImage;
using Build.SupplyChain;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.PushImage)]
[TaskDescription("Pushes each selected arch image and records the digest the registry reports")]
[IsDependentOn(typeof(TestImageTask))]
public sealed class PushImageTask : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public override async Task RunAsync(BuildContext context)
    {
        var publisher = new ArchImagePublisher(
            context.RegistryClient, context.Tags, new CakeImageDocker(context, context.DockerConfigDirectory, context.Retry), context.Log,
            context.EcrRegistry?.Repository.IsImmutable ?? false, context.EcrRegistry?.DockerLogin);
        foreach (var target in context.Selection.Images)
        {
            var published = await publisher.PublishAsync(target, context.State.Reused.FirstOrDefault(r => r.Target == target)?.InputsTag);
            context.State.Pushed.Add(new PushedImage(target, published.Reference, published.Digest));
            await (published.How == ArchImagePublication.Tagged
                ? ArchImageSupplyChain.KeepAsync(context, target, published.Reference, published.Digest)
                : ArchImageSupplyChain.AttachAsync(context, target, published.Reference, published.Digest));
            if (published.How == ArchImagePublication.Pushed && context.State.Built.FirstOrDefault(b => b.Target == target)?.Inputs is { } inputs)
            {
                await publisher.MarkInputsAsync(published.Digest, inputs.Tag);
            }
        }
    }

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Selection.Images.SelectMany(target => ArchImagePublisher.Plan(context.Tags, context.RegistryHost, target, SigningKeys.IsConfigured(context.Options, context.Environment)));
}
