using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.IO;

namespace Cake.Docker;

public static partial class DockerAliases
{
    [CakeMethodAlias]
    public static void DockerPull(this ICakeContext context, string imageReference) => DockerPull(context, new DockerImagePullSettings(), imageReference);

    [CakeMethodAlias]
    public static void DockerPull(this ICakeContext context, DockerImagePullSettings? settings, string imageReference)
    {
        ArgumentNullException.ThrowIfNull(context);
        ThrowIfNullOrEmpty(imageReference);
        settings ??= new DockerImagePullSettings();
        new CakeDockerRunner<DockerImagePullSettings>(context).Execute(settings, PullArguments(settings, imageReference));
    }

    internal static ProcessArgumentBuilder PullArguments(DockerImagePullSettings settings, string imageReference) =>
        new ProcessArgumentBuilder().Append("pull")
            .Flag("all-tags", settings.AllTags)
            .Option("platform", settings.Platform)
            .Positional(imageReference);
}
