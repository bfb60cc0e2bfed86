using Build.Aws;
using Build.Context;
using Build.Docker;
using Build.Docker.Inspect;
using Build.Docker.Push;
using Build.Images.Inputs;
using Build.SupplyChain;
using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Docker;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.PushImage)]
[TaskDescription("Pushes each selected arch image and records the digest the registry reports")]
[IsDependentOn(typeof(TestImageTask))]
public sealed class PushImageTask : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public override async Task RunAsync(BuildContext context)
    {
        foreach (var target in context.Selection.Images)
        {
            var tag = context.Tags.ArchTag(target);
            var reference = context.Tags.Reference(tag);
            if (context.State.Reused.FirstOrDefault(r => r.Target == target) is { } reused)
            {
                var tagged = await RemoteTagger.TagAsync(context, reused.InputsTag, tag);
                context.State.Pushed.Add(new PushedImage(target, reference, tagged));
                context.Information("Tagged {0} {1} in the registry from {2}: no layer pulled or pushed", reference, tagged, reused.InputsTag);
                await ArchImageSupplyChain.KeepAsync(context, target, reference, tagged);
                continue;
            }

            if (context.Ecr?.Repository is { IsImmutable: true })
            {
                var known = context.DockerImageRepoDigests(new DockerImageInspectSettings(), reference)
                    .Where(d => d.StartsWith(context.Tags.Name + "@", StringComparison.Ordinal))
                    .Select(d => d[(d.IndexOf('@', StringComparison.Ordinal) + 1)..])
                    .ToList();
                if (await ImmutableTags.AlreadyPushedAsync(context.RegistryClient, context.Tags.Repository, tag, known, "image"))
                {
                    context.State.Pushed.Add(new PushedImage(target, reference, known[0]));
                    context.Information("{0} already holds this image (immutable tag): nothing to push", reference);
                    await ArchImageSupplyChain.AttachAsync(context, target, reference, known[0]);
                    continue;
                }
            }

            if (context.Ecr is { } ecr)
            {
                await EcrRestore.RefreshDockerLoginAsync(context, ecr);
            }

            context.Information("Pushing {0}", reference);
            var reported = context.DockerPushWithRetry(
                new DockerImagePushSettings().WithDockerConfig(context.DockerConfigDirectory),
                reference,
                context.Retry,
                line => context.Warning("{0}", line),
                line => context.Verbose("{0}", line));

            // The digest is the one this push reported; the tag must still hold it (another writer may have moved it).
            var digest = reported ?? throw new CakeException(
                $"docker push {reference} succeeded but printed no '<tag>: digest: sha256:… size: …' line, so what it pushed is unknown; nothing was recorded.");
            var now = await context.RegistryClient.HeadManifestAsync(context.Tags.Repository, tag);
            if (now?.Digest != digest)
            {
                throw new CakeException(
                    $"docker push reported {reference} as {digest}, but the registry's tag now holds {now?.Digest ?? "nothing"}: something changed the tag " +
                    "after this push (another run pushing the same tag?). Nothing was recorded and the inputs tag was not set, so a rerun builds and pushes again.");
            }

            context.State.Pushed.Add(new PushedImage(target, reference, digest));
            context.Information("Pushed {0} {1}", reference, digest);
            await ArchImageSupplyChain.AttachAsync(context, target, reference, digest);

            // Last: the inputs tag says "tested and published"; a crash before it means the next run builds again.
            if (context.State.Built.FirstOrDefault(b => b.Target == target)?.Inputs is { } inputs)
            {
                await RemoteTagger.TagAsync(context, digest, inputs.Tag);
            }
        }
    }

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Selection.Images.SelectMany(target =>
        {
            var tag = context.Tags.ArchTag(target);
            return new[]
            {
                DockerImagePusher.Render(DockerImagePusher.GetArguments(context.Tags.Reference(tag), new DockerImagePushSettings())),
                $"registry API: HEAD {context.RegistryHost}/v2/{context.Tags.Repository}/manifests/{tag}",
                SigningKeys.IsConfigured(context.Options, context.Environment)
                    ? $"sign {tag}'s digest (cosign .sig) and attest its SBOM and SLSA provenance (.att)"
                    : "no signing key: not signed",
            };
        });
}
