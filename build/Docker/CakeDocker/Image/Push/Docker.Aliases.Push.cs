using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.IO;

namespace Cake.Docker;

public static partial class DockerAliases
{
    [CakeMethodAlias]
    public static void DockerPush(this ICakeContext context, string imageReference) => DockerPush(context, new DockerImagePushSettings(), imageReference);

    [CakeMethodAlias]
    public static void DockerPush(this ICakeContext context, DockerImagePushSettings? settings, string imageReference)
    {
        ArgumentNullException.ThrowIfNull(context);
        ThrowIfNullOrEmpty(imageReference);
        settings ??= new DockerImagePushSettings();
        new CakeDockerRunner<DockerImagePushSettings>(context).Execute(settings, PushArguments(settings, imageReference));
    }

    internal static ProcessArgumentBuilder PushArguments(DockerImagePushSettings settings, string imageReference) =>
        new ProcessArgumentBuilder().Append("push")
            .Flag("all-tags", settings.AllTags)
            .Positional(imageReference);
}
