using Build.Context;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.Default)]
[TaskDescription("Builds the selected images locally (no push); CodeBuild nodes pass --target=PushImage or --target=PushManifest")]
[IsDependentOn(typeof(BuildImageTask))]
public sealed class DefaultTask : FrostingTask<BuildContext>;
