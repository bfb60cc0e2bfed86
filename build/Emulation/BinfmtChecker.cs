using Build.Images;
using Build.Registry;
using Cake.Core;

namespace Build.Emulation;

/// <summary>
/// Checks that the kernel can run a foreign platform's binaries through qemu (binfmt_misc), so that
/// `docker build --platform linux/arm64` on an x86 machine fails early with a fix, not mid-build with "exec format error".
/// </summary>
public sealed class BinfmtChecker(string binfmtDirectory = BinfmtChecker.DefaultDirectory)
{
    public const string DefaultDirectory = "/proc/sys/fs/binfmt_misc";

    // qemu's names for the CPUs of our platforms, as Debian's qemu-user-static and tonistiigi/binfmt register them.
    private static readonly Dictionary<string, string> QemuNames = new(StringComparer.Ordinal)
    {
        ["amd64"] = "x86_64",
        ["arm64"] = "aarch64",
        ["arm"] = "arm",
        ["ppc64le"] = "ppc64le",
        ["s390x"] = "s390x",
        ["386"] = "i386",
    };

    /// <summary>Null when <paramref name="target"/> can run on <paramref name="host"/>; else what is wrong and how to fix it.</summary>
    public string? Problem(Platform host, Platform target)
    {
        if (host.IsSameMachineAs(target))
        {
            return null;
        }

        var cpu = QemuNames.GetValueOrDefault(target.Architecture, target.Architecture);
        var entry = Path.Combine(binfmtDirectory, "qemu-" + cpu);
        var prefix = $"Building for {target} on this {host} Docker engine needs qemu emulation";
        var install = $"Enable it: `sudo apt-get install qemu-user-static binfmt-support` (Debian/Ubuntu), or `docker run --privileged --rm tonistiigi/binfmt --install {target.Architecture}`.";

        if (!File.Exists(Path.Combine(binfmtDirectory, "status")))
        {
            return $"{prefix}, but binfmt_misc is not mounted at {binfmtDirectory}. Mount it: `sudo mount -t binfmt_misc binfmt_misc {binfmtDirectory}`; then {install}";
        }

        if (!File.Exists(entry))
        {
            return $"{prefix}, but no binfmt handler for {cpu} is registered ({entry} is missing). {install}";
        }

        var lines = File.ReadAllLines(entry);
        if (!lines.Contains("enabled"))
        {
            return $"{prefix}, but the binfmt handler {entry} is disabled. Enable it: `sudo update-binfmts --enable qemu-{cpu}`.";
        }

        var flags = lines.FirstOrDefault(l => l.StartsWith("flags:", StringComparison.Ordinal)) ?? string.Empty;
        if (!flags.Contains('F'))
        {
            return $"{prefix}, but the binfmt handler {entry} lacks the F (fix-binary) flag, so containers cannot reach the interpreter. {install}";
        }

        return null;
    }

    public void Check(Platform host, Platform target)
    {
        if (Problem(host, target) is { } problem)
        {
            throw new CakeException(problem);
        }
    }
}
