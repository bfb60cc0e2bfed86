using Build.Context;
using Build.Tests.Frosting;

namespace Build.Tests.Context;

// RunMode reads the command line before Cake does; it must call a run a dry run exactly when Cake runs no task.
[NonParallelizable]
public sealed class RunModeTests
{
    private static readonly string[][] CommandLines =
    [
        ["--dryrun"], ["--noop"], ["--whatif"], ["--dryrun=true"], ["--dryrun=false"], [], ["--tree"], ["--DryRun"],
        ["--dry-run"], ["--tag-suffix=dryrun"], ["--verbosity", "quiet", "--noop"],
    ];

    [TestCaseSource(nameof(CommandLines))]
    public void Should_call_a_run_a_dry_run_exactly_when_Cake_runs_no_task(string[] args)
    {
        var result = Harness.Run(["--target", "Order-Clean", .. args]);

        var cakeRanTheTask = result.Events.Contains("Order-Clean");
        var cakeShowedTheTree = args.Contains("--tree");
        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(RunMode.FromCommandLine(args).DryRun, Is.EqualTo(!cakeRanTheTask && !cakeShowedTheTree));
    }

    [Test]
    public void Should_stop_reading_at_the_end_of_options()
    {
        Assert.That(RunMode.FromCommandLine(["--", "--dryrun"]).DryRun, Is.False);
    }
}
