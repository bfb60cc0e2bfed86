using Build.Context;
using Build.Docker;
using Build.Docker.Version;
using Build.Emulation;
using Build.Images;
using Build.Processes;
using Build.Registry;
using Cake.Common.Diagnostics;
using Cake.Core;

namespace Build.Prerequisites;

/// <summary>
/// Makes a fresh Debian/Ubuntu machine able to run the job: installs Docker, qemu/binfmt, mmdebstrap and Debian's
/// registry when they are missing, starts dockerd and a loopback-only registry. It acts only when it may (root on
/// Debian/Ubuntu, or --install-prerequisites); otherwise it says exactly what to install and start.
/// </summary>
public sealed class MachineSetup(BuildContext context)
{
    private readonly List<string> _packages = [];
    private readonly List<string> _actions = [];

    public async Task EnsureAsync()
    {
        var needsDocker = TaskNames.NeedDocker.Any(context.Runs);
        if (needsDocker && !DockerAnswers())
        {
            if (HostProcesses.IsRunning("dockerd"))
            {
                // Never start a second engine beside one that runs: it would fight over docker0 and the pid file.
                throw new CakeException(
                    "A dockerd is running, but `docker version` gets no answer from it: check DOCKER_HOST and that this user may use the Docker socket (e.g. the docker group).");
            }

            if (HostProcesses.Which("dockerd") is null)
            {
                _packages.Add("docker.io");
            }

            _actions.Add("start the Docker engine");
        }

        if (context.Runs(TaskNames.BuildImage) && ForeignPlatforms().Any())
        {
            if (!File.Exists("/usr/bin/qemu-aarch64-static") && !File.Exists("/usr/bin/qemu-aarch64"))
            {
                _packages.Add("qemu-user-static");
            }

            if (HostProcesses.Which("update-binfmts") is null)
            {
                _packages.Add("binfmt-support");
            }
        }

        // mmdebstrap only for the root filesystems that are not cached yet.
        if (context.Matrix.Base is { } baseSpec && context.Runs(TaskNames.BaseImage)
            && context.Matrix.Architectures.Any(a => !File.Exists(BaseImageCache.RootFilesystemPath(baseSpec, a))))
        {
            if (HostProcesses.Which("mmdebstrap") is null)
            {
                _packages.Add("mmdebstrap");
            }

            // mmdebstrap only Recommends arch-test, and the install skips recommends; without it a foreign
            // architecture fails with "install arch-test for foreign architecture support".
            if (HostProcesses.Which("arch-test") is null && context.Matrix.Architectures.Any(a => !a.Platform.IsSameMachineAs(HostPlatform)))
            {
                _packages.Add("arch-test");
            }
        }

        var localRegistry = await LocalRegistryToStartAsync();
        if (localRegistry is not null && HostProcesses.Which("docker-registry") is null)
        {
            _packages.Add("docker-registry");
        }

        if (_packages.Count == 0 && _actions.Count == 0 && localRegistry is null)
        {
            return;
        }

        if (!MayInstall())
        {
            throw new CakeException(Instructions(localRegistry));
        }

        if (_packages.Count > 0)
        {
            context.Information("Installing {0} (apt-get)...", string.Join(" ", _packages));
            var install = $"install them by hand (`sudo apt-get install {string.Join(' ', _packages)}`) and rerun";
            Run("apt-get", ["update", "-qq"], $"apt-get could not read the package lists: check that this machine reaches its mirrors (/etc/apt/sources.list*), or {install}.");
            Run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", .. _packages], $"apt-get could not install them: see its lines above (another apt running holds the dpkg lock; a package this release lacks), or {install}.");
        }

        if (needsDocker && !DockerAnswers())
        {
            StartDaemon("dockerd", [], "/var/log/dockerd.log");
            HostProcesses.WaitFor("the Docker engine", "/var/log/dockerd.log",
                "Start it by hand (`sudo dockerd` shows why it stops: often another engine, or missing iptables or cgroups), then rerun.", DockerAnswers);
        }

        if (context.Runs(TaskNames.BuildImage))
        {
            EnableBinfmt();
        }

        if (localRegistry is not null)
        {
            StartRegistry(localRegistry);
        }
    }

    private static Platform HostPlatform => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => new Platform("linux", "arm64"),
        _ => new Platform("linux", "amd64"),
    };

    private IEnumerable<Platform> ForeignPlatforms() =>
        context.Selection.Images.Select(i => i.Architecture.Platform).Where(p => !p.IsSameMachineAs(HostPlatform)).Distinct();

    private bool MayInstall()
    {
        if (context.Options.InstallPrerequisites is { } explicitly)
        {
            return explicitly;
        }

        var isRoot = Environment.UserName == "root" || Environment.GetEnvironmentVariable("EUID") == "0";
        return isRoot && File.Exists("/etc/debian_version") && HostProcesses.Which("apt-get") is not null;
    }

    // A registry we may start: a loopback address that does not answer. Remote registries are never started here.
    private async Task<Uri?> LocalRegistryToStartAsync()
    {
        if (context.Options.Registry is not { } registry || !TaskNames.NeedRegistry.Concat([TaskNames.BaseImage]).Any(context.Runs))
        {
            return null;
        }

        var uri = RegistryEndpoint.BaseUri(registry);
        if (!RegistryEndpoint.IsLoopback(uri))
        {
            return null;
        }

        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            using var _ = await http.GetAsync(new Uri(uri, "v2/"));
            return null;
        }
        catch (HttpRequestException)
        {
            return uri;
        }
    }

    private void StartRegistry(Uri registry)
    {
        // Listens on the loopback address only; storage and config under the build's cache.
        var folder = Path.Combine(BaseImageCache.CacheDirectory, $"registry-{registry.Port}");
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "config.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Path.Combine(folder, "data")}
              delete:
                enabled: true
            http:
              addr: {registry.Host}:{registry.Port}
            """);
        var log = Path.Combine(folder, "registry.log");
        StartDaemon("docker-registry", ["serve", config], log);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        HostProcesses.WaitFor($"the registry at {registry}", log, $"Is {registry.Authority} taken by another program? Start a registry there by hand (`docker-registry serve {config}`), then rerun.", () =>
        {
            try
            {
                using var response = http.GetAsync(new Uri(registry, "v2/")).GetAwaiter().GetResult();
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        });
        context.Information("Started a registry on {0} (loopback only; data in {1}).", registry.Authority, folder);
    }

    private void EnableBinfmt()
    {
        if (!File.Exists(Path.Combine(BinfmtChecker.DefaultDirectory, "status")))
        {
            Run("mount", ["-t", "binfmt_misc", "binfmt_misc", BinfmtChecker.DefaultDirectory], "Mount it by hand (`sudo mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc`), then rerun.");
        }

        foreach (var platform in ForeignPlatforms())
        {
            var cpu = platform.Architecture == "arm64" ? "aarch64" : platform.Architecture;
            if (!File.Exists(Path.Combine(BinfmtChecker.DefaultDirectory, "qemu-" + cpu)) || !File.ReadAllLines(Path.Combine(BinfmtChecker.DefaultDirectory, "qemu-" + cpu)).Contains("enabled"))
            {
                Run("update-binfmts", ["--enable", "qemu-" + cpu], $"Enable it by hand (`sudo update-binfmts --enable qemu-{cpu}`; `update-binfmts --display qemu-{cpu}` shows its state), then rerun.");
            }
        }
    }

    private string Instructions(Uri? registry)
    {
        var steps = new List<string>();
        if (_packages.Count > 0)
        {
            steps.Add($"install {string.Join(" ", _packages)} (Debian/Ubuntu: `sudo apt-get install {string.Join(" ", _packages)}`)");
        }

        if (_actions.Count > 0)
        {
            steps.Add("start the Docker engine (`sudo dockerd &` or `sudo systemctl start docker`)");
        }

        if (registry is not null)
        {
            steps.Add($"start a registry at {registry.Authority} (e.g. `docker-registry serve tests/registry.yml &`, which listens on 127.0.0.1:5000)");
        }

        return $"This machine is not ready: {string.Join("; ", steps)}. Or rerun as root on Debian/Ubuntu, or with --install-prerequisites, to let the build do it.";
    }

    /// <summary>The engine as `docker version` described it, once it answered: Restore uses it rather than asking again.</summary>
    public DockerEngineInfo? Engine { get; private set; }

    private bool DockerAnswers()
    {
        try
        {
            Engine = context.TakeDockerProbe()?.GetEngine() ?? context.DockerEngine(new DockerVersionSettings());
            return true;
        }
        catch (CakeException)
        {
            return false;
        }
    }

    private void StartDaemon(string tool, IReadOnlyList<string> arguments, string logFile)
    {
        context.Information("Starting {0} (log: {1})...", tool, logFile);
        HostProcesses.StartDetached(tool, arguments, logFile);
    }

    /// <summary>Runs a setup command (apt-get never asks); a failure keeps its last meaningful output lines and says how to fix it.</summary>
    private static void Run(string tool, IReadOnlyList<string> arguments, string fix) =>
        HostProcesses.Run(tool, arguments, fix, new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" });
}
