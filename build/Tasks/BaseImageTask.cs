using Build.Context;
using Build.Images;
using Build.Steps.PublishArchImage;
using Build.Steps.PublishBaseImage;
using Cake.Common.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.BaseImage)]
[TaskDescription("Makes the matrix's Debian base with mmdebstrap and publishes it as a multi-arch list (only for matrices with a \"base\"; cached)")]
[IsDependentOn(typeof(RestoreTask))]
public sealed class BaseImageTask : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public override bool ShouldRun(BuildContext context)
    {
        if (context.Matrix.Base is null)
        {
            context.Information("Skipping {0}: the matrix {1} has no \"base\" to make (its images build on published bases).", TaskNames.BaseImage, context.Matrix.FilePath);
        }

        return context.Matrix.Base is not null;
    }

    public override Task RunAsync(BuildContext context) => Publisher(context, context.Matrix.Base!).PublishAsync();

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Matrix.Base is { } spec ? BaseImagePublisher.Plan(context.RegistryHost, spec, context.Matrix.Architectures) : [];

    private static BaseImagePublisher Publisher(BuildContext context, BaseImageSpec spec) =>
        new(context, new CakeImageDocker(context, context.DockerConfigDirectory, context.Retry), context.RegistryClient, context.RegistryHost,
            context.DockerConfigDirectory, spec, context.Matrix.Architectures);
}
