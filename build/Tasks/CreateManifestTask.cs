using Build.Context;
using Build.Registry;
using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.CreateManifest)]
[TaskDescription("Reads every arch image of each version from the registry: the entries of its manifest list")]
[IsDependentOn(typeof(RestoreTask))]
public sealed class CreateManifestTask : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public override async Task RunAsync(BuildContext context)
    {
        var missing = new List<string>();
        foreach (var entry in context.Selection.Versions)
        {
            var list = new ManifestListPlan(entry);
            foreach (var architecture in entry.Architectures)
            {
                var tag = context.Tags.ArchTag(new(entry, architecture));
                var descriptor = await ReadArchImageAsync(context, tag, architecture.Platform);
                if (descriptor is null)
                {
                    missing.Add(context.Tags.Reference(tag));
                    continue;
                }

                list.Entries.Add(new ManifestListEntry(architecture, tag, descriptor));
                context.Information("{0}: {1} {2}", context.Tags.Reference(tag), descriptor.MediaType, descriptor.Digest);
            }

            context.State.ManifestLists.Add(list);
        }

        if (missing.Count > 0 && context.Options.AllowPartial && context.State.ManifestLists.All(l => l.Entries.Count > 0))
        {
            context.Warning(
                "--{0}: publishing manifest lists WITHOUT {1} arch image(s) the matrix lists: {2}. Those platforms will not find an image until a full run publishes the lists again.",
                Arguments.AllowPartial, missing.Count, string.Join(", ", missing));
            return;
        }

        if (missing.Count > 0)
        {
            // A list missing an arch would silently serve the wrong image on that platform: publish none.
            throw new CakeException(
                $"Cannot create the manifest lists: the registry lacks {missing.Count} arch image(s) the matrix lists: {string.Join(", ", missing)}. " +
                "Run PushImage for them first (the build node of that arch and version); no manifest list was pushed. " +
                $"(--{Arguments.AllowPartial} publishes the lists without them, with a warning.)");
        }
    }

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Selection.Versions.SelectMany(entry => entry.Architectures.Select(architecture =>
            $"registry API: GET {context.RegistryHost}/v2/{context.Tags.Repository}/manifests/{context.Tags.ArchTag(new(entry, architecture))}"));

    // An arch image is normally a single manifest; a BuildKit push with provenance makes it an index: take its platform's entry.
    private static async Task<ManifestDescriptor?> ReadArchImageAsync(BuildContext context, string tag, Registry.Platform platform)
    {
        var manifest = await context.RegistryClient.GetManifestAsync(context.Tags.Repository, tag);
        if (manifest is null)
        {
            return null;
        }

        return ManifestListBuilder.ResolvePlatformManifest(manifest, platform);
    }
}
