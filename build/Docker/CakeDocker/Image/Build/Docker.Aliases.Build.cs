using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.IO;

namespace Cake.Docker;

public static partial class DockerAliases
{
    [CakeMethodAlias]
    public static void DockerBuild(this ICakeContext context, string path) => DockerBuild(context, new DockerImageBuildSettings(), path);

    [CakeMethodAlias]
    public static void DockerBuild(this ICakeContext context, DockerImageBuildSettings? settings, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ThrowIfNullOrEmpty(path);
        settings ??= new DockerImageBuildSettings();
        new CakeDockerRunner<DockerImageBuildSettings>(context).Execute(settings, BuildArguments(settings, path));
    }

    internal static ProcessArgumentBuilder BuildArguments(DockerImageBuildSettings settings, string path) =>
        new ProcessArgumentBuilder().Append("image").Append("build")
            .Options("build-arg", settings.BuildArg)
            .Options("cache-from", settings.CacheFrom)
            .Option("file", settings.File)
            .Option("iidfile", settings.Iidfile)
            .Options("label", settings.Label)
            .Flag("no-cache", settings.NoCache)
            .Option("platform", settings.Platform)
            .Flag("pull", settings.Pull)
            .Options("tag", settings.Tag)
            // Cake.Docker quotes the path unless it already is.
            .Positional(path.Trim() is ['"', .., '"'] ? path : $"\"{path}\"");
}
