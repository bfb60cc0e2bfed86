using Build.Aws;
using Build.Context;
using Build.Registry;
using Build.SupplyChain;
using Cake.Common.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.PushManifest)]
[TaskDescription("Pushes each version's manifest list under version.suffix and version, then reads them back and verifies every platform's digest; with --public-registry, promotes images and lists to ECR Public")]
[IsDependentOn(typeof(AnnotateArchTask))]
public sealed class PushManifestTask : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public override async Task RunAsync(BuildContext context)
    {
        foreach (var list in context.State.ManifestLists)
        {
            var entries = list.Entries.Select(e => (e.Descriptor, e.Platform ?? e.Architecture.Platform)).ToList();
            var composed = ManifestListBuilder.Build(entries);
            var expected = entries.ToDictionary(e => e.Item2, e => e.Descriptor.Digest);
            var tags = context.Tags.ManifestTags(list.Entry.Version);

            var digest = Digests.Sha256(composed.Body);
            foreach (var tag in tags)
            {
                if (context.EcrRegistry?.Repository is { IsImmutable: true } &&
                    await ImmutableTags.AlreadyPushedAsync(context.RegistryClient, context.Tags.Repository, tag, [digest], "manifest list"))
                {
                    context.Information("{0} already holds this manifest list (immutable tag): nothing to push", context.Tags.Reference(tag));
                }
                else
                {
                    digest = await context.RegistryClient.PutManifestAsync(context.Tags.Repository, tag, composed.MediaType, composed.Body);
                }

                var readBack = await context.RegistryClient.GetManifestAsync(context.Tags.Repository, tag);
                ManifestListVerifier.ThrowIfInvalid(context.Tags.Reference(tag), readBack, expected);
                context.Information("Pushed and verified {0} {1}", context.Tags.Reference(tag), digest);
            }

            await ManifestListSupplyChain.SignAsync(context, list.Entry.Version, digest);
            context.State.Published.Add(new PublishedManifestList(
                list.Entry.Version,
                tags.Select(context.Tags.Reference).ToList(),
                digest,
                expected.Keys.Select(p => p.ToString()).Order(StringComparer.Ordinal).ToList()));

            if (context.PublicRegistry is not null)
            {
                await ManifestListSupplyChain.PromoteAsync(context, list, digest);
                await Promotion.PromoteAsync(context, list, composed, expected);
            }
        }

        if (context.Options.Verify)
        {
            await ImageVerification.RunAsync(context);
        }
    }

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Selection.Versions.SelectMany(entry => context.Tags.ManifestTags(entry.Version).SelectMany(tag => new[]
        {
            $"registry API: PUT {context.RegistryHost}/v2/{context.Tags.Repository}/manifests/{tag} (manifest list of {entry.ArchitectureNames})",
            $"registry API: GET {context.RegistryHost}/v2/{context.Tags.Repository}/manifests/{tag} (verify each platform's digest)",
        }).Append(SigningKeys.IsConfigured(context.Options, context.Environment)
            ? $"sign the list's digest (cosign .sig)"
            : "no signing key: the list is not signed").Concat(Promotion.Plan(context, entry.Version)))
        .Concat(context.Options.Verify ? ["--verify: VerifyImage's checks of every image and list (signature, provenance, SBOM, platforms)"] : []);
}
