using System.ComponentModel;
using Cake.Core;

namespace Build.CodeBuild.LocalBatch.Containers;

/// <summary>
/// Whether node containers can run here, and with which flags. CodeBuild runs a privileged node as <c>--privileged</c>;
/// where that is refused (a machine whose capability bounding set lacks CAP_SYS_RESOURCE: runc says "unable to apply
/// caps"), the nearest equivalent is every other capability with seccomp, AppArmor and the masked /proc and /sys paths
/// lifted. A dockerd then runs inside, but Docker mounts the cgroup hierarchies read-only, so the node remounts them
/// (<see cref="RemountCgroups"/>), as a privileged container has them writable.
/// </summary>
public sealed record ContainerSupport(string? Unavailable, IReadOnlyList<string> PrivilegeFlags, bool RemountCgroups, string? Note)
{
    public static readonly IReadOnlyList<string> Privileged = ["--privileged"];

    public static readonly IReadOnlyList<string> Fallback =
    [
        "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE",
        "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined", "--security-opt", "systempaths=unconfined",
    ];

    public bool Available => Unavailable is null;

    /// <summary>Can a privileged node container run: an engine, the node image (made if missing), and one of the two flag sets.</summary>
    public static async Task<ContainerSupport> ProbeAsync(ICakeContext context, string label, Action<string> log)
    {
        try
        {
            var engine = await DockerCli.RunAsync("version", "--format", "{{.Server.Version}}");
            if (!engine.Succeeded)
            {
                return Unusable($"no Docker engine answers ({engine.LastError})");
            }
        }
        catch (Win32Exception)
        {
            return Unusable("docker is not installed");
        }

        string image;
        try
        {
            image = await NodeImage.EnsureAsync(context, log);
        }
        catch (CakeException e)
        {
            return Unusable($"the node image could not be made: {e.Message}");
        }

        var privileged = await TryAsync(image, label, Privileged);
        if (privileged.Succeeded)
        {
            return new ContainerSupport(null, Privileged, false, null);
        }

        var fallback = await TryAsync(image, label, Fallback);
        return fallback.Succeeded
            ? new ContainerSupport(null, Fallback, true,
                $"docker run --privileged is refused here ({privileged.LastError}); nodes run with {string.Join(' ', Fallback)} and remount their cgroups writable instead")
            : Unusable($"a privileged container cannot run here: --privileged: {privileged.LastError}; {string.Join(' ', Fallback)}: {fallback.LastError}");
    }

    private static ContainerSupport Unusable(string reason) => new(reason, [], false, null);

    private static Task<DockerCli.Result> TryAsync(string image, string label, IReadOnlyList<string> flags) =>
        DockerCli.RunAsync(["run", "--rm", "--network", "none", "--label", label, .. flags, image, "true"]);
}
