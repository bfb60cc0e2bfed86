using Cake.Frosting;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Build.Tests.Frosting;

// In-process runs of the host over this assembly's tasks (TestTasks.cs). Not in parallel: Cake's environment
// sets the process's current directory.
[TestFixture]
[NonParallelizable]
public sealed class CakeHostTests
{
    [Test]
    public void Should_run_dependencies_before_the_target()
    {
        var result = Harness.Run("--target", "Order-Pack");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[] { "Order-Clean", "Order-Lint", "Order-Compile", "Order-Pack" }));
    }

    [Test]
    public void Should_run_a_dependee_before_the_task_it_names()
    {
        var result = Harness.Run("-t", "Order-Compile");

        Assert.That(result.Events, Is.EqualTo(new[] { "Order-Clean", "Order-Lint", "Order-Compile" }));
    }

    [Test]
    public void Should_name_a_task_without_TaskName_after_its_class_as_it_is()
    {
        var result = Harness.Run("--target=NamingDefaultTask");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[] { "NamingDefaultTask" }));
        Assert.That(Harness.Run("--target=NamingDefault").Output, Does.Contain("Error: The target 'NamingDefault' was not found."));
    }

    [Test]
    public void Should_not_inherit_TaskName_TaskDescription_or_ContinueOnError_but_inherit_IsDependentOn()
    {
        var result = Harness.Run("--target=InheritDerivedTask");

        // Named after the derived class, not "Inherit-Base"; the failure stops the run (no ContinueOnError); the base's
        // [IsDependentOn] (Inherited = true, as Cake's) still brings Order-Clean in first.
        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[] { "Order-Clean" }));
        Assert.That(result.Output, Does.Contain("Error: derived task failed"));
        Assert.That(result.Output, Does.Not.Contain("Inherit-Base"));

        var descriptions = Harness.Run("--description").Output;
        Assert.That(descriptions, Does.Match(@"\n\s*InheritDerivedTask\s*\n"));
        Assert.That(descriptions, Does.Not.Contain("The base's description"));
    }

    [Test]
    public void Should_log_the_SkippedMessage_of_a_skipped_task()
    {
        var result = Harness.Run("--target", "Skip-Explained-After", "--verbosity", "verbose");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[] { "Skip-Explained-After" }));
        Assert.That(result.Output, Does.Contain("Skipping task: " + SkipExplainedTask.Why));
    }

    [Test]
    public void Should_fail_with_the_SkippedMessage_when_the_target_is_skipped()
    {
        var result = Harness.Run("--target", "Skip-Explained");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Output, Does.Contain(
            $"Error: Could not reach target 'Skip-Explained' since it was skipped due to a criteria: {SkipExplainedTask.Why}."));
    }

    [Test]
    public void Should_skip_a_task_whose_ShouldRun_is_false_and_still_run_its_dependent()
    {
        var result = Harness.Run("--target", "Skip-After");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[] { "Skip-After" }));
        Assert.That(result.Output, Does.Match(@"Skip-Gate\s+-\s+Skipped"));
    }

    [Test]
    public void Should_register_only_the_members_a_task_overrides()
    {
        var result = Harness.Run("--target", "Probe-Registrations", "--exclusive");

        Assert.That(result.Events, Is.EqualTo(new[]
        {
            "Order-Clean: actions=1 criteria=0 onerror=False finally=False",
            "Skip-Gate: actions=1 criteria=1 onerror=False finally=False",
            "Fail-Boom: actions=1 criteria=0 onerror=False finally=True",
            "Fail-Handled: actions=1 criteria=0 onerror=True finally=False",
            "Empty: actions=0 criteria=0 onerror=False finally=False",
        }));
    }

    [Test]
    public void Should_fail_with_the_full_message_when_a_task_throws_and_still_call_Finally()
    {
        var result = Harness.Run("--target", "Fail-After");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[] { "Fail-Boom:finally" }));
        Assert.That(result.Output, Does.Contain("Error: " + FailBoomTask.Message + "\n"));
        Assert.That(result.Output, Does.Match(@"Fail-Boom\s+\S+\s+Failed"));
        Assert.That(result.Output, Does.Not.Contain(" at Cake."));
    }

    [Test]
    public void Should_show_the_stack_trace_at_diagnostic_verbosity()
    {
        var result = Harness.Run("--target", "Fail-Boom", "--verbosity", "diagnostic");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Output, Does.Contain(" at Cake."));
    }

    [Test]
    public void Should_call_OnError_and_Finally_and_fail_when_OnError_rethrows()
    {
        var result = Harness.Run("--target", "Fail-Rethrow");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[] { "Fail-Rethrow:onerror:rethrown", "Fail-Rethrow:finally" }));
        Assert.That(result.Output, Does.Contain("Error: Fail-Rethrow gave up: rethrown"));
    }

    [Test]
    public void Should_treat_the_error_as_handled_when_OnError_returns_as_Cake_does()
    {
        var result = Harness.Run("--target", "Fail-Handled-After");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[] { "Fail-Handled:onerror:handled", "Fail-Handled-After" }));
    }

    [Test]
    public void Should_go_on_after_a_ContinueOnError_task_fails()
    {
        var result = Harness.Run("--target", "Continue-Next");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[] { "Continue-Next" }));
    }

    [Test]
    public void Should_call_setup_and_teardown_lifetimes_in_order()
    {
        var result = Harness.Run(
            host => host.UseLifetime<RecordingLifetime>().UseTaskLifetime<RecordingTaskLifetime>(),
            "--target", "Life-Main");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[]
        {
            "setup:Life-Main",
            "task-setup:Life-First", "Life-First", "task-teardown:Life-First",
            "task-setup:Life-Main", "Life-Main", "task-teardown:Life-Main",
            "teardown",
        }));
    }

    [Test]
    public void Should_call_the_separate_setup_and_teardown_classes()
    {
        var result = Harness.Run(
            host => host.UseSetup<RecordingSetup>().UseTeardown<RecordingTeardown>()
                .UseTaskSetup<RecordingTaskSetup>().UseTaskTeardown<RecordingTaskTeardown>(),
            "--target", "Life-Main");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[]
        {
            "setup-only:Life-Main",
            "task-setup-only:Life-First", "Life-First", "task-teardown-only:Life-First",
            "task-setup-only:Life-Main", "Life-Main", "task-teardown-only:Life-Main",
            "teardown-only:True",
        }));
    }

    [Test]
    public void Should_run_no_task_but_teardown_when_setup_fails()
    {
        var result = Harness.Run(host => host.UseLifetime<FailingSetupLifetime>(), "--target", "Life-Main");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[] { "teardown" }));
        Assert.That(result.Output, Does.Contain("Error: Setup failed: no registry given."));
    }

    [Test]
    public void Should_run_setup_and_teardown_but_no_task_and_no_task_lifetime_on_a_dry_run()
    {
        var result = Harness.Run(
            host => host.UseLifetime<RecordingLifetime>().UseTaskLifetime<RecordingTaskLifetime>(), "--target", "Order-Pack", "--dryrun");

        // Cake's dry-run strategy runs Setup and Teardown, but neither task bodies nor task setup/teardown;
        // and --dryrun is bound to Cake's settings, so Setup does not see it among the arguments.
        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[] { "setup:Order-Pack", "teardown" }));
        Assert.That(result.Output, Does.Contain("Performing dry run..."));
        Assert.That(result.Output, Does.Contain("Order-Clean"));
    }

    [TestCase("--noop")]
    [TestCase("--whatif")]
    public void Should_accept_the_dry_run_aliases(string option)
    {
        var result = Harness.Run("--target", "Order-Pack", option);

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.Empty);
    }

    [Test]
    public void Should_print_the_dependency_tree()
    {
        var result = Harness.Run("--target", "Order-Pack", "--tree");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.Empty);
        // Cake's tree host draws IsDependentOn edges only (Order-Lint's IsDependeeOf is not shown).
        Assert.That(result.Output, Does.Contain("Order-Pack\n└─Order-Compile\n   └─Order-Clean\n"));
    }

    [Test]
    public void Should_print_the_task_descriptions()
    {
        var result = Harness.Run("--description");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.Empty);
        Assert.That(result.Output, Does.Match(@"Order-Compile\s+Compiles the order sample"));
        Assert.That(result.Output, Does.Contain("Skip-Gate"));
    }

    [Test]
    public void Should_run_only_the_target_when_exclusive()
    {
        var result = Harness.Run("--target", "Order-Pack", "--exclusive");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[] { "Order-Pack" }));
    }

    [Test]
    public void Should_run_every_given_target()
    {
        var result = Harness.Run("-t", "Order-Clean", "-t", "NamingDefaultTask");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.EquivalentTo(new[] { "Order-Clean", "NamingDefaultTask" }));
    }

    [Test]
    public void Should_pass_unknown_options_and_the_target_to_the_tasks_as_arguments_but_not_Cakes_switches()
    {
        var result = Harness.Run(
            "--target=Probe-Arguments", "--arch=arm64v8", "--python-version", "3.8", "--use-date", "--exclusive", "--verbosity=normal");

        // As Cake.Frosting: --target joins the arguments; --exclusive (like --dryrun, --tree, --description) and
        // --verbosity are Cake's settings, not arguments.
        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[]
        {
            "arch=arm64v8", "python-version=3.8", "target=Probe-Arguments", "use-date=",
        }));
    }

    [Test]
    public void Should_accept_Target_with_a_capital_T_as_Cake_does()
    {
        var result = Harness.Run("--Target", "Order-Clean");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[] { "Order-Clean" }));
    }

    [Test]
    public void Should_give_Cake_settings_from_UseCakeSetting_and_SetToolPath_under_CAKE_variables()
    {
        var tools = Path.Combine(Path.GetTempPath(), "frosting-tools");

        var fromHost = Harness.Run(
            host => host.UseCakeSetting("Sample_Setting", "from-host").SetToolPath(tools), "--target", "Probe-Configuration");
        var fromStartup = Harness.Run(host => host.UseStartup<SampleStartup>(), "--target", "Probe-Configuration");
        RunResult fromVariable;
        Environment.SetEnvironmentVariable("CAKE_SAMPLE_SETTING", "from-variable");
        try
        {
            fromVariable = Harness.Run(host => host.UseCakeSetting("Sample_Setting", "from-host"), "--target", "Probe-Configuration");
        }
        finally
        {
            Environment.SetEnvironmentVariable("CAKE_SAMPLE_SETTING", null);
        }

        Assert.That(fromHost.Events, Is.EqualTo(new[] { "Sample_Setting=from-host", "Paths_Tools=" + tools }));
        Assert.That(fromStartup.Events[0], Is.EqualTo("Sample_Setting=from-startup"));
        Assert.That(fromVariable.Events[0], Is.EqualTo("Sample_Setting=from-variable"));
    }

    [Test]
    public void Should_register_Cakes_NuGet_and_dotnet_tool_installers_and_a_module_given_to_UseModule()
    {
        var result = Harness.Run(host => host.UseModule<SampleModule>(), "--target", "Probe-Modules");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.EqualTo(new[] { "nuget: True", "dotnet: True", "module service: True" }));
    }

    [Test]
    public void Should_fail_before_any_task_when_InstallTool_names_a_scheme_no_installer_knows()
    {
        var result = Harness.Run(host => host.InstallTool(new Uri("nosuch:?package=Sample.Tool")), "--target", "Order-Clean");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Events, Is.Empty);
        Assert.That(result.Output, Does.Contain("Error: Could not find an installer for the 'nosuch' scheme."));
    }

    [Test]
    public void Should_fail_with_a_FrostingException_for_a_dependency_that_is_not_a_task()
    {
        var result = Harness.Run(
            host => host.ConfigureServices(s => s.AddSingleton<IFrostingTask, InvalidDependencyTask>()), "--target", "Order-Clean");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Events, Is.Empty);
        Assert.That(result.Output, Does.Contain("Error: The dependency 'Recorder' is not a valid task."));
    }

    [Test]
    public void Should_resolve_tasks_from_the_service_provider_of_the_context()
    {
        var result = Harness.Run("--target", "Probe-Services");

        Assert.That(result.Events, Is.EqualTo(new[] { "tasks include me: True", "recorder is shared: True" }));
    }

    [Test]
    public void Should_inject_services_into_task_constructors()
    {
        var result = Harness.Run("--target", "Probe-Injection");

        Assert.That(result.Events, Is.EqualTo(new[] { "same environment: True" }));
    }

    [Test]
    public void Should_fail_with_Cakes_error_for_an_unknown_target()
    {
        var result = Harness.Run("--target", "Nope");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Output, Does.Contain("Error: The target 'Nope' was not found."));
    }

    [Test]
    public void Should_fail_when_the_working_directory_does_not_exist()
    {
        var missing = Path.Combine(Path.GetTempPath(), "frosting-" + Guid.NewGuid().ToString("N"));

        var result = Harness.Run("--target", "Probe-WorkingDirectory", "--working", missing);

        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Events, Is.Empty);
        Assert.That(result.Output, Does.Contain("does not exist"));
    }

    [Test]
    public void Should_run_in_the_working_directory_given_to_the_host()
    {
        var previous = Environment.CurrentDirectory;
        var directory = Directory.CreateTempSubdirectory("frosting-").FullName;
        try
        {
            var result = Harness.Run(host => host.UseWorkingDirectory(directory), "--target", "Probe-WorkingDirectory");

            Assert.That(result.ExitCode, Is.EqualTo(0));
            Assert.That(result.Events, Is.EqualTo(new[] { directory.Replace('\\', '/') }));
        }
        finally
        {
            // Cake's environment moves the process there.
            Environment.CurrentDirectory = previous;
            Directory.Delete(directory);
        }
    }

    [Test]
    public void Should_list_the_options_on_help()
    {
        var result = Harness.Run("--help");

        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Events, Is.Empty);
        Assert.That(result.Output, Does.Contain("--target").And.Contain("--verbosity").And.Contain("--dryrun")
            .And.Contain("--tree").And.Contain("--description").And.Contain("--exclusive").And.Contain("--working"));
    }

    [Test]
    public void Should_create_a_host_like_the_constructor()
    {
        Assert.That(CakeHost.Create(), Is.Not.Null.And.InstanceOf<CakeHost>());
    }
}
