using Build.Context;
using Build.Steps.PublishManifestList;
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
        var reader = new ArchImageReader(context.RegistryClient, context.Tags, context.Log);
        var missing = new List<string>();
        foreach (var entry in context.Selection.Versions)
        {
            var read = await reader.ReadAsync(entry);
            missing.AddRange(read.Where(r => r.Descriptor is null).Select(r => context.Tags.Reference(r.Tag)));
            var list = new ManifestListPlan(entry);
            list.Entries.AddRange(read.Where(r => r.Descriptor is not null).Select(r => new ManifestListEntry(r.Architecture, r.Tag, r.Descriptor!)));
            context.State.ManifestLists.Add(list);
        }

        if (missing.Count > 0 && context.Options.AllowPartial && context.State.ManifestLists.All(l => l.Entries.Count > 0))
        {
            context.Warning(
                "--{0}: publishing manifest lists WITHOUT {1} arch image(s) the matrix lists: {2}. Those platforms will not find an image until a full run publishes the lists again.",
                Arguments.AllowPartial, missing.Count, string.Join(", ", missing));
        }
        else if (missing.Count > 0)
        {
            // A list missing an arch would silently serve the wrong image on that platform: publish none.
            throw new CakeException(
                $"Cannot create the manifest lists: the registry lacks {missing.Count} arch image(s) the matrix lists: {string.Join(", ", missing)}. " +
                "Run PushImage for them first (the build node of that arch and version); no manifest list was pushed. " +
                $"(--{Arguments.AllowPartial} publishes the lists without them, with a warning.)");
        }
    }

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Selection.Versions.SelectMany(entry => ArchImageReader.Plan(context.RegistryHost, context.Tags, entry));
}
