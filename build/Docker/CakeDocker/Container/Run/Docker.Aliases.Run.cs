using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.IO;

namespace Cake.Docker;

public static partial class DockerAliases
{
    /// <returns>The first line the container printed, or null.</returns>
    [CakeMethodAlias]
    public static string? DockerRun(this ICakeContext context, string image, string command, params string[] args) =>
        DockerRun(context, new DockerContainerRunSettings(), image, command, args);

    /// <returns>The first line the container printed, or null.</returns>
    [CakeMethodAlias]
    public static string? DockerRun(this ICakeContext context, DockerContainerRunSettings? settings, string image, string command, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(context);
        ThrowIfNullOrEmpty(image);
        settings ??= new DockerContainerRunSettings();
        return new CakeDockerRunner<DockerContainerRunSettings>(context).ExecuteWithResult(settings, RunArguments(settings, image, command, args)).FirstOrDefault();
    }

    [CakeMethodAlias]
    public static void DockerRunWithoutResult(this ICakeContext context, string image, string command, params string[] args) =>
        DockerRunWithoutResult(context, new DockerContainerRunSettings(), image, command, args);

    [CakeMethodAlias]
    public static void DockerRunWithoutResult(this ICakeContext context, DockerContainerRunSettings? settings, string image, string command, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(context);
        ThrowIfNullOrEmpty(image);
        settings ??= new DockerContainerRunSettings();
        new CakeDockerRunner<DockerContainerRunSettings>(context).Execute(settings, RunArguments(settings, image, command, args));
    }

    // Cake.Docker appends the image, command and args unquoted; args only with a command.
    internal static ProcessArgumentBuilder RunArguments(DockerContainerRunSettings settings, string image, string command, string[] args) =>
        new ProcessArgumentBuilder().Append("run")
            .Option("entrypoint", settings.Entrypoint)
            .Option("network", settings.Network)
            .Option("platform", settings.Platform)
            .Flag("rm", settings.Rm)
            .Positional(image)
            .Positional(string.IsNullOrEmpty(command) ? [] : [command, .. args]);
}
