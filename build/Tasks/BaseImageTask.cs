using Build.Context;
using Build.Images;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.BaseImage)]
[TaskDescription("Makes the matrix's Debian base with mmdebstrap and publishes it as a multi-arch list (only for matrices with a \"base\"; cached)")]
[IsDependentOn(typeof(RestoreTask))]
public sealed class BaseImageTask : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public override bool ShouldRun(BuildContext context) => context.Matrix.Base is not null;

    public override Task RunAsync(BuildContext context) => new BaseImagePublisher(context, context.Matrix.Base!).PublishAsync();

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Matrix.Base is { } spec ? new BaseImagePublisher(context, spec).Plan() : [];
}
