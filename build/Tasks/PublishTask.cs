using Build.Context;
using Cake.Frosting;

namespace Build.Tasks;

/// <summary>The whole batch on one machine: every node's PushImage, then the manifest node's work.</summary>
[TaskName(TaskNames.Publish)]
[TaskDescription("Builds and pushes every selected image, then publishes and verifies the manifest lists (the whole batch on one machine)")]
[IsDependentOn(typeof(PushImageTask))]
[IsDependentOn(typeof(PushManifestTask))]
public sealed class PublishTask : FrostingTask<BuildContext>;
