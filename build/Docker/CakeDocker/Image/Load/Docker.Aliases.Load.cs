using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.IO;

namespace Cake.Docker;

public static partial class DockerAliases
{
    [CakeMethodAlias]
    public static void DockerLoad(this ICakeContext context, DockerImageLoadSettings? settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        settings ??= new DockerImageLoadSettings();
        new CakeDockerRunner<DockerImageLoadSettings>(context).Execute(settings, LoadArguments(settings));
    }

    internal static ProcessArgumentBuilder LoadArguments(DockerImageLoadSettings settings) =>
        new ProcessArgumentBuilder().Append("load")
            .Option("input", settings.Input)
            .Flag("quiet", settings.Quiet);
}
