using Build.Context;
using Build.Steps.PublishManifestList;
using Build.SupplyChain;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.PushManifest)]
[TaskDescription("Pushes each version's manifest list under version.suffix and version, then reads them back and verifies every platform's digest; with --public-registry, promotes images and lists to ECR Public")]
[IsDependentOn(typeof(AnnotateArchTask))]
public sealed class PushManifestTask : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public override async Task RunAsync(BuildContext context)
    {
        var publisher = new ManifestListPublisher(context.RegistryClient, context.Tags.Repository, context.Tags.Name, context.Log, context.EcrRegistry?.Repository.IsImmutable ?? false);
        foreach (var list in context.State.ManifestLists)
        {
            var (composed, expected) = ManifestListPublisher.Compose(list.Entries.Select(e => (e.Descriptor, e.AnnotatedPlatform)).ToList());
            var tags = context.Tags.ManifestTags(list.Entry.Version);
            var digest = await publisher.PublishAsync(tags, composed, expected, "Pushed");
            await ManifestListSupplyChain.SignAsync(context, list.Entry.Version, digest);
            var platforms = expected.Keys.Select(p => p.ToString()).Order(StringComparer.Ordinal).ToList();
            context.State.Published.Add(new PublishedManifestList(list.Entry.Version, tags.Select(context.Tags.Reference).ToList(), digest, platforms));
            if (context.PublicRegistry is { } target)
            {
                await ManifestListSupplyChain.PromoteAsync(context, list, digest);
                var promoted = await new Promotion(context.RegistryClient, context.Tags, context.PublicRegistryClient, target, context.Log)
                    .PromoteAsync(list.Entries.Select(e => (e.SourceTag, e.Descriptor.Digest)), list.Entry.Version, composed, expected);
                context.State.Published.Add(new PublishedManifestList(list.Entry.Version, promoted, composed.Digest, platforms));
            }
        }

        if (context.Options.Verify)
        {
            await ImageVerification.RunAsync(context);
        }
    }

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Selection.Versions.SelectMany(entry => ManifestListPublisher.Plan(context.RegistryHost, context.Tags.Repository, context.Tags.ManifestTags(entry.Version), entry.ArchitectureNames)
        .Append(SigningKeys.IsConfigured(context.Options, context.Environment) ? $"sign the list's digest (cosign .sig)" : "no signing key: the list is not signed")
        .Concat(Promotion.Plan(context.PublicRegistry, context.Tags, entry.Version)))
        .Concat(context.Options.Verify ? ["--verify: VerifyImage's checks of every image and list (signature, provenance, SBOM, platforms)"] : []);
}
