using System.Diagnostics;
using Build.Tests.Registry;

namespace Build.Tests.Support;

/// <summary>
/// A Docker engine with an empty image and build cache, as a fresh CodeBuild node has: Debian's dockerd (this machine's
/// /usr, read-only) in a container of its own, on the Debian root filesystem BaseImage cached, with its data in an
/// anonymous volume. Inside it a twin of the test registry (same storage, same 127.0.0.1 port) answers, so that the
/// engine reaches the registry at the address the program uses. Removed, with its volume and image, on dispose.
/// </summary>
public sealed class FreshEngine : IDisposable
{
    private readonly string _name;
    private readonly string _socketDirectory;

    private FreshEngine(string name, string socketDirectory)
    {
        _name = name;
        _socketDirectory = socketDirectory;
    }

    /// <summary>DOCKER_HOST for the docker CLI and the program.</summary>
    public string Host => $"unix://{_socketDirectory}/docker.sock";

    public static FreshEngine Start(LocalRegistry registry)
    {
        var cache = Environment.GetEnvironmentVariable("PYTHON_IMAGES_CACHE")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "python-images");
        var rootfs = Directory.GetFiles(cache, "bookworm-amd64-*.tar").FirstOrDefault()
            ?? throw new InvalidOperationException($"No Debian root filesystem in {cache}: BaseImage makes it (run the test after one that publishes the base).");
        var name = "fresh-engine-" + Guid.NewGuid().ToString("N")[..12];
        var socketDirectory = Directory.CreateTempSubdirectory(name + "-").FullName;
        Shell.Run("docker", "import", rootfs, name);
        var engine = new FreshEngine(name, socketDirectory);
        try
        {
            // cgroup v1 is mounted read-only in a container that is not privileged: the engine gets a writable tree
            // of the container's own (its private cgroup namespace) for the containers it runs (TestImage).
            File.WriteAllText(Path.Combine(socketDirectory, "start.sh"), $$"""
                set -e
                mount -t tmpfs cgroup /sys/fs/cgroup
                for c in $(awk -F: '$2 != "" {print $2}' /proc/self/cgroup | sed 's/^name=//'); do
                  case $c in systemd) o=none,name=systemd ;; *) o=$c ;; esac
                  mkdir -p "/sys/fs/cgroup/$c" && mount -t cgroup -o "$o" cgroup "/sys/fs/cgroup/$c"
                done
                /usr/bin/docker-registry serve {{registry.RootDirectory}}/config.yml > /run/engine/registry.log 2>&1 &
                exec /usr/sbin/dockerd --host unix:///run/engine/docker.sock > /run/engine/dockerd.log 2>&1
                """);

            // The capabilities that stand in for --privileged here (DEVELOPERS.md); the container has its own network.
            Shell.Run("docker", "run", "--detach", "--name", name, "--cgroupns", "private",
                "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE", "--security-opt", "seccomp=unconfined",
                "--security-opt", "apparmor=unconfined", "--security-opt", "systempaths=unconfined",
                "--volume", "/var/lib/docker", "--volume", "/usr:/usr:ro", "--volume", "/etc/alternatives:/etc/alternatives:ro",
                "--volume", $"{socketDirectory}:/run/engine", "--volume", $"{registry.RootDirectory}:{registry.RootDirectory}",
                name, "/bin/sh", "/run/engine/start.sh");
            var ready = Stopwatch.StartNew();
            while (!Answers(engine.Host))
            {
                if (ready.Elapsed > TimeSpan.FromSeconds(90))
                {
                    throw new InvalidOperationException("The fresh engine did not start: " + File.ReadAllText(Path.Combine(socketDirectory, "dockerd.log")));
                }

                Thread.Sleep(500);
            }

            return engine;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    private static bool Answers(string host)
    {
        try
        {
            Shell.Run("docker", "--host", host, "version");
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            Shell.Run("docker", "rm", "--force", "--volumes", _name);
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        Shell.Run("docker", "rmi", _name);
        Directory.Delete(_socketDirectory, recursive: true);
    }
}
