using System.Text.RegularExpressions;
using Build.Attestations.Sbom;

namespace Build.Images;

/// <summary>
/// What TestImage checks inside a built image, run for the image's own platform: `python --version` is the entry's
/// version (major.minor), `platform.machine()` is the arch's CPU, `pip --version` works. One container start, since
/// under qemu each start costs seconds.
/// </summary>
public static partial class ImageSmokeTest
{
    public const string Entrypoint = "sh";

    // Always exits 0: each probe reports its own status, so one failure does not hide the others.
    private const string Probes =
        "v=$(python --version 2>&1); echo \"python_status=$?\"; echo \"python=$v\"; " +
        "m=$(python -c 'import platform; print(platform.machine())' 2>&1); echo \"machine_status=$?\"; echo \"machine=$m\"; " +
        "p=$(pip --version 2>&1); echo \"pip_status=$?\"; echo \"pip=$p\"; ";

    public static readonly IReadOnlyList<string> Command = ["-c", Probes + "exit 0"];

    /// <summary>The probes, then (when the run signs) the package inventory for the SBOM, in the same container.</summary>
    public static IReadOnlyList<string> CommandFor(bool inventory) =>
        inventory ? ["-c", Probes + ContainerInventory.Script + "; exit 0"] : Command;

    public static SmokeTestResult Parse(IEnumerable<string> output)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.TakeWhile(l => !l.StartsWith(ContainerInventory.Marker, StringComparison.Ordinal)))
        {
            var separator = line.IndexOf('=');
            if (separator > 0)
            {
                values.TryAdd(line[..separator], line[(separator + 1)..].Trim());
            }
        }

        string? Ok(string name) => values.GetValueOrDefault(name + "_status") == "0" ? values.GetValueOrDefault(name) : null;
        return new SmokeTestResult(Ok("python"), Ok("machine"), Ok("pip"), values.GetValueOrDefault("python"), values.GetValueOrDefault("pip"));
    }

    /// <summary>Every difference between what the image has and what the matrix says, each naming both values.</summary>
    public static IReadOnlyList<string> Problems(SmokeTestResult result, ImageTarget target)
    {
        var problems = new List<string>();
        var wanted = MajorMinor(target.Version);
        var actual = result.PythonVersion is { } python ? VersionPattern().Match(python) : Match.Empty;
        if (!actual.Success)
        {
            problems.Add($"`python --version` failed: {result.PythonOutput ?? "(no output)"}");
        }
        else if (MajorMinor(actual.Value) != wanted)
        {
            problems.Add($"python is {actual.Value}, but the matrix entry is version {target.Version} (expected {wanted}.x)");
        }

        if (result.Machine is null)
        {
            problems.Add("`python -c 'import platform; print(platform.machine())'` failed");
        }
        else if (result.Machine != target.Architecture.UnameMachine)
        {
            problems.Add($"platform.machine() is {result.Machine}, but {target.Architecture.Name} should be {target.Architecture.UnameMachine}");
        }

        if (result.PipVersion is null)
        {
            problems.Add($"`pip --version` failed: {result.PipOutput ?? "(no output)"}");
        }

        return problems;
    }

    private static string MajorMinor(string version) => string.Join('.', version.Split('.').Take(2));

    [GeneratedRegex(@"\d+\.\d+(\.\d+)?")]
    private static partial Regex VersionPattern();
}

public sealed record SmokeTestResult(string? PythonVersion, string? Machine, string? PipVersion, string? PythonOutput, string? PipOutput);
