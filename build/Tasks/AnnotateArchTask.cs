using Build.Context;
using Cake.Common.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.AnnotateArch)]
[TaskDescription("Sets each manifest list entry's os, architecture and variant (arm64v8 is linux/arm64 variant v8)")]
[IsDependentOn(typeof(CreateManifestTask))]
public sealed class AnnotateArchTask : FrostingTask<BuildContext>, IPlannedTask
{
    public override void Run(BuildContext context)
    {
        foreach (var entry in context.State.ManifestLists.SelectMany(list => list.Entries))
        {
            entry.Platform = entry.Architecture.Platform;
            context.Information("{0} → {1}", entry.SourceTag, entry.Platform);
        }
    }

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Selection.Versions.SelectMany(entry => entry.Architectures.Select(architecture =>
            $"annotate {context.Tags.ArchTag(new(entry, architecture))} as {architecture.Platform}"));
}
