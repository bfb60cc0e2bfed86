namespace Build.Context;

/// <summary>
/// Which of Cake's runs this is, read from the command line before the host starts. Cake binds --dryrun to its own
/// settings and does not pass it to the build (it is not in <c>context.Arguments</c>), yet runs Setup in a dry run;
/// Program.cs registers this so that Setup knows to plan instead of act, the same with Cake.Frosting's package.
/// </summary>
public sealed record RunMode(bool DryRun)
{
    /// <summary>Cake.Frosting's dry-run switch and its aliases.</summary>
    public static readonly IReadOnlyList<string> DryRunSwitches = ["--dryrun", "--noop", "--whatif"];

    public static RunMode FromCommandLine(IEnumerable<string> args)
    {
        var dryRun = false;
        foreach (var arg in args)
        {
            if (arg == "--")
            {
                // What follows is not parsed as options.
                break;
            }

            var (name, value) = arg.IndexOf('=', StringComparison.Ordinal) is var equals and > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
            if (DryRunSwitches.Contains(name, StringComparer.Ordinal))
            {
                dryRun = value is null || !bool.TryParse(value, out var parsed) || parsed;
            }
        }

        return new RunMode(dryRun);
    }
}
