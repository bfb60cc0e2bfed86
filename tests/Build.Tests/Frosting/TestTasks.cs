using Cake.Core;
using Cake.Frosting;
using Microsoft.Extensions.DependencyInjection;

namespace Build.Tests.Frosting;

// Every exported task of this assembly is registered in every run over it, so each scenario has its own task names.
// The tasks take nothing through their constructors and are typed to SampleContext: another CakeHost run over this
// assembly (with another context) can construct them and then leaves them out with a warning, as Frosting does.

// Dependency order: Order-Pack -> Order-Compile -> Order-Clean, and Order-Lint declares itself a dependency of Order-Compile.
[TaskName("Order-Clean")]
public sealed class OrderCleanTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => context.Recorder.Add("Order-Clean");
}

[TaskName("Order-Compile")]
[TaskDescription("Compiles the order sample")]
[IsDependentOn(typeof(OrderCleanTask))]
public sealed class OrderCompileTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => context.Recorder.Add("Order-Compile");
}

[TaskName("Order-Lint")]
[IsDependeeOf(typeof(OrderCompileTask))]
public sealed class OrderLintTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => context.Recorder.Add("Order-Lint");
}

[TaskName("Order-Pack")]
[IsDependentOn(typeof(OrderCompileTask))]
public sealed class OrderPackTask : AsyncFrostingTask<SampleContext>
{
    public override async Task RunAsync(SampleContext context)
    {
        await Task.Yield();
        context.Recorder.Add("Order-Pack");
    }
}

// No [TaskName]: the name is the class name as it is ("NamingDefaultTask").
public sealed class NamingDefaultTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => context.Recorder.Add("NamingDefaultTask");
}

// [TaskName], [TaskDescription] and [ContinueOnError] are not inherited (Inherited = false); [IsDependentOn] is.
[TaskName("Inherit-Base")]
[TaskDescription("The base's description")]
[ContinueOnError]
[IsDependentOn(typeof(OrderCleanTask))]
public abstract class InheritBaseTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => throw new InvalidOperationException("derived task failed");
}

public sealed class InheritDerivedTask : InheritBaseTask;

// ShouldRun false with a SkippedMessage: Cake logs the message and, for the target, fails with it.
[TaskName("Skip-Explained")]
public sealed class SkipExplainedTask : FrostingTask<SampleContext>, IFrostingTask
{
    public const string Why = "no registry was given (--registry)";

    public string SkippedMessage => Why;

    public override bool ShouldRun(SampleContext context) => false;

    public override void Run(SampleContext context) => context.Recorder.Add("Skip-Explained");
}

[TaskName("Skip-Explained-After")]
[IsDependentOn(typeof(SkipExplainedTask))]
public sealed class SkipExplainedAfterTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => context.Recorder.Add("Skip-Explained-After");
}

// ShouldRun false: Cake skips the task, and what depends on it still runs.
[TaskName("Skip-Gate")]
public sealed class SkipGateTask : FrostingTask<SampleContext>
{
    public override bool ShouldRun(SampleContext context) => false;

    public override void Run(SampleContext context) => context.Recorder.Add("Skip-Gate");
}

[TaskName("Skip-After")]
[IsDependentOn(typeof(SkipGateTask))]
public sealed class SkipAfterTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => context.Recorder.Add("Skip-After");
}

// Failures.
[TaskName("Fail-Boom")]
public sealed class FailBoomTask : FrostingTask<SampleContext>
{
    public const string Message =
        "The image python:3.8-arm64v8 could not be built: docker exited with code 1; see the build log above for the failing step.";

    public override void Run(SampleContext context) => throw new CakeException(Message);

    public override void Finally(SampleContext context) => context.Recorder.Add("Fail-Boom:finally");
}

[TaskName("Fail-After")]
[IsDependentOn(typeof(FailBoomTask))]
public sealed class FailAfterTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => context.Recorder.Add("Fail-After");
}

[TaskName("Fail-Rethrow")]
public sealed class FailRethrowTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => throw new InvalidOperationException("rethrown");

    public override void OnError(Exception exception, SampleContext context)
    {
        context.Recorder.Add("Fail-Rethrow:onerror:" + exception.Message);
        throw new CakeException("Fail-Rethrow gave up: " + exception.Message);
    }

    public override void Finally(SampleContext context) => context.Recorder.Add("Fail-Rethrow:finally");
}

[TaskName("Fail-Handled")]
public sealed class FailHandledTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => throw new InvalidOperationException("handled");

    public override void OnError(Exception exception, SampleContext context) => context.Recorder.Add("Fail-Handled:onerror:" + exception.Message);
}

[TaskName("Fail-Handled-After")]
[IsDependentOn(typeof(FailHandledTask))]
public sealed class FailHandledAfterTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => context.Recorder.Add("Fail-Handled-After");
}

[TaskName("Continue-Flaky")]
[ContinueOnError]
public sealed class ContinueFlakyTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => throw new InvalidOperationException("flaky");
}

[TaskName("Continue-Next")]
[IsDependentOn(typeof(ContinueFlakyTask))]
public sealed class ContinueNextTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => context.Recorder.Add("Continue-Next");
}

// Lifetimes.
[TaskName("Life-First")]
public sealed class LifeFirstTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => context.Recorder.Add("Life-First");
}

[TaskName("Life-Main")]
[IsDependentOn(typeof(LifeFirstTask))]
public sealed class LifeMainTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => context.Recorder.Add("Life-Main");
}

public sealed class RecordingLifetime(Recorder recorder) : FrostingLifetime<SampleContext>
{
    public override void Setup(SampleContext context, ISetupContext info)
    {
        recorder.Add("setup:" + info.TargetTask.Name);
        if (context.Arguments.HasArgument("dryrun"))
        {
            recorder.Add("setup saw dryrun");
        }
    }

    public override void Teardown(SampleContext context, ITeardownContext info) => recorder.Add("teardown");
}

public sealed class FailingSetupLifetime(Recorder recorder) : FrostingLifetime<SampleContext>
{
    public override void Setup(SampleContext context, ISetupContext info) => throw new CakeException("Setup failed: no registry given.");

    public override void Teardown(SampleContext context, ITeardownContext info) => recorder.Add("teardown");
}

public sealed class RecordingSetup(Recorder recorder) : FrostingSetup<SampleContext>
{
    public override void Setup(SampleContext context, ISetupContext info) => recorder.Add("setup-only:" + info.TargetTask.Name);
}

public sealed class RecordingTeardown(Recorder recorder) : FrostingTeardown<SampleContext>
{
    public override void Teardown(SampleContext context, ITeardownContext info) => recorder.Add("teardown-only:" + info.Successful);
}

public sealed class RecordingTaskSetup(Recorder recorder) : FrostingTaskSetup<SampleContext>
{
    public override void Setup(SampleContext context, ITaskSetupContext info) => recorder.Add("task-setup-only:" + info.Task.Name);
}

public sealed class RecordingTaskTeardown(Recorder recorder) : FrostingTaskTeardown<SampleContext>
{
    public override void Teardown(SampleContext context, ITaskTeardownContext info) => recorder.Add("task-teardown-only:" + info.Task.Name);
}

public sealed class RecordingTaskLifetime(Recorder recorder) : FrostingTaskLifetime<SampleContext>
{
    public override void Setup(SampleContext context, ITaskSetupContext info) => recorder.Add("task-setup:" + info.Task.Name);

    public override void Teardown(SampleContext context, ITaskTeardownContext info) => recorder.Add("task-teardown:" + info.Task.Name);
}

// Reads what the task sees: arguments, services, the working directory and Cake's own registrations.
[TaskName("Probe-Arguments")]
public sealed class ProbeArgumentsTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context)
    {
        foreach (var (name, values) in context.Arguments.GetArguments().OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            context.Recorder.Add($"{name}={string.Join(",", values)}");
        }
    }
}

[TaskName("Probe-Services")]
public sealed class ProbeServicesTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context)
    {
        context.Recorder.Add("tasks include me: " + context.ServiceProvider.GetServices<IFrostingTask>().Contains(this));
        context.Recorder.Add("recorder is shared: " + ReferenceEquals(context.ServiceProvider.GetRequiredService<Recorder>(), context.Recorder));
    }
}

// Constructor injection of a Cake service every host has.
[TaskName("Probe-Injection")]
public sealed class ProbeInjectionTask(ICakeEnvironment environment) : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) =>
        context.Recorder.Add("same environment: " + ReferenceEquals(environment, context.Environment));
}

[TaskName("Probe-WorkingDirectory")]
public sealed class ProbeWorkingDirectoryTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context) => context.Recorder.Add(context.Environment.WorkingDirectory.FullPath);
}

[TaskName("Probe-Registrations")]
public sealed class ProbeRegistrationsTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context)
    {
        var engine = context.ServiceProvider.GetRequiredService<ICakeEngine>();
        foreach (var name in new[] { "Order-Clean", "Skip-Gate", "Fail-Boom", "Fail-Handled", "Empty" })
        {
            var task = (CakeTask)engine.Tasks.Single(t => t.Name == name);
            context.Recorder.Add($"{name}: actions={task.Actions.Count} criteria={task.Criterias.Count} " +
                         $"onerror={task.ErrorHandler is not null} finally={task.FinallyHandler is not null}");
        }
    }
}

[TaskName("Empty")]
public sealed class EmptyTask : FrostingTask<SampleContext>;

// Reads Cake's configuration (UseCakeSetting, SetToolPath, cake.config, --key=value).
[TaskName("Probe-Configuration")]
public sealed class ProbeConfigurationTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context)
    {
        context.Recorder.Add("Sample_Setting=" + context.Configuration.GetValue("Sample_Setting"));
        context.Recorder.Add("Paths_Tools=" + context.Configuration.GetValue("Paths_Tools"));
    }
}

// Which package installers the registered modules brought (Cake's NuGet and dotnet tool modules) and what a module registered.
[TaskName("Probe-Modules")]
public sealed class ProbeModulesTask : FrostingTask<SampleContext>
{
    public override void Run(SampleContext context)
    {
        var installers = context.ServiceProvider.GetServices<Cake.Core.Packaging.IPackageInstaller>().ToList();
        foreach (var scheme in new[] { "nuget", "dotnet" })
        {
            var tool = new Cake.Core.Packaging.PackageReference($"{scheme}:?package=Sample.Tool&version=1.0.0");
            context.Recorder.Add($"{scheme}: " + installers.Any(i => i.CanInstall(tool, Cake.Core.Packaging.PackageType.Tool)));
        }

        context.Recorder.Add("module service: " + (context.ServiceProvider.GetService<SampleModuleService>() is not null));
    }
}

public sealed class SampleModuleService;

/// <summary>A Cake module as addins write them (ICakeContainerRegistrar), registered with UseModule.</summary>
public sealed class SampleModule : Cake.Core.Composition.ICakeModule
{
    public void Register(Cake.Core.Composition.ICakeContainerRegistrar registrar) =>
        Cake.Core.Composition.ContainerRegistrarExtensions.RegisterType<SampleModuleService>(registrar).AsSelf().Singleton();
}

public sealed class SampleStartup : IFrostingStartup
{
    public void Configure(IServiceCollection services) => services.UseCakeSetting("Sample_Setting", "from-startup");
}

// Not exported, so not found by the scan: registered by hand in the tests that want it.
[TaskName("Invalid-Dependency")]
[IsDependentOn(typeof(Recorder))]
internal sealed class InvalidDependencyTask : FrostingTask<SampleContext>;
