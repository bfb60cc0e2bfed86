using Build.Processes;
using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Debian;

/// <summary>Runs <c>mmdebstrap</c>; foreign architectures run their maintainer scripts under qemu (binfmt).</summary>
public sealed class MmdebstrapRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : Tool<MmdebstrapSettings>(fileSystem, environment, processRunner, tools)
{
    /// <summary>
    /// Makes the root filesystem. mmdebstrap's output still reaches the log line by line (it runs for minutes); on failure
    /// the error keeps its last meaningful lines and says how to fix the usual causes.
    /// </summary>
    public void Create(string suite, string outputTarball, MmdebstrapSettings settings, Action<string>? onLine = null)
    {
        var tail = new ToolFailure.Tail();
        var processSettings = new ProcessSettings
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectedStandardOutputHandler = line => { tail.Add(line); if (line is not null) { onLine?.Invoke(line); } return line; },
            RedirectedStandardErrorHandler = line => { tail.Add(line); if (line is not null) { onLine?.Invoke(line); } return line; },
        };
        var exitCode = 0;
        var previous = settings.HandleExitCode;
        settings.HandleExitCode = code => { exitCode = code; return true; };
        var arguments = GetArguments(suite, outputTarball, settings);
        try
        {
            Run(settings, arguments, processSettings, null);
        }
        finally
        {
            settings.HandleExitCode = previous;
        }

        if (exitCode != 0)
        {
            throw new CakeException(ToolFailure.Describe("mmdebstrap " + arguments.RenderSafe(), exitCode, tail.Lines, Fix(tail.Lines, settings.Architecture)));
        }
    }

    /// <summary>How to fix what mmdebstrap said: its usual failures on a machine that is not ready.</summary>
    public static string Fix(IReadOnlyList<string> output, string architecture)
    {
        bool Said(string text) => output.Any(l => l.Contains(text, StringComparison.OrdinalIgnoreCase));
        if (Said("arch-test"))
        {
            return $"mmdebstrap needs arch-test for a foreign architecture ({architecture}): install it (Debian/Ubuntu: `sudo apt-get install arch-test`; Restore does it as root), then rerun.";
        }

        if (Said("exec format error") || Said("cannot execute") || Said("not executable") || Said("qemu"))
        {
            return $"The {architecture} programs of the root filesystem do not run here: install qemu-user-static and binfmt-support and enable the handler (`sudo update-binfmts --enable qemu-{QemuCpu(architecture)}`), then rerun.";
        }

        if (Said("failed to fetch") || Said("could not resolve") || Said("temporary failure resolving") || Said("connection failed") || Said("unable to connect"))
        {
            return "mmdebstrap could not download packages: check that this machine reaches the Debian mirror (deb.debian.org, or the one in /etc/apt/sources.list), then rerun.";
        }

        if (Said("permission denied") || Said("operation not permitted") || Said("unshare"))
        {
            return "mmdebstrap lacks the privileges it needs: run the build as root (or with a working user namespace setup for `--mode=unshare`), then rerun.";
        }

        return $"See mmdebstrap's lines above; rerunning `mmdebstrap --arch={architecture} --variant=minbase bookworm /tmp/test.tar` by hand shows its whole output.";
    }

    private static string QemuCpu(string debianArch) => debianArch switch
    {
        "arm64" => "aarch64",
        "armhf" => "arm",
        "ppc64el" => "ppc64le",
        _ => debianArch,
    };

    public static ProcessArgumentBuilder GetArguments(string suite, string outputTarball, MmdebstrapSettings settings)
    {
        var builder = new ProcessArgumentBuilder()
            .Append($"--arch={settings.Architecture}")
            .Append($"--variant={settings.Variant}");
        if (settings.Include.Count > 0)
        {
            builder.Append($"--include={string.Join(',', settings.Include)}");
        }

        // mmdebstrap picks the output format from the extension: callers pass a .tar path. Both are quoted: one argument each.
        return builder.AppendQuoted(suite).AppendQuoted(outputTarball);
    }

    protected override string GetToolName() => "mmdebstrap";

    protected override IEnumerable<string> GetToolExecutableNames() => ["mmdebstrap"];
}
