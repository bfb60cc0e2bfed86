using System.Reflection;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Cake.Frosting.Internal;

// Turns the Frosting tasks and lifetimes into registrations on Cake's own engine;
// ordering, criteria, error handling and reporting are then Cake's.
internal sealed class FrostingEngine(
    ICakeEngine engine,
    IFrostingContext context,
    ICakeLog log,
    IEnumerable<IFrostingTask> tasks,
    IFrostingSetup? setup = null,
    IFrostingTeardown? teardown = null,
    IFrostingTaskSetup? taskSetup = null,
    IFrostingTaskTeardown? taskTeardown = null)
{
    public void Configure()
    {
        foreach (var task in tasks)
        {
            RegisterTask(task);
        }

        if (setup is not null)
        {
            log.Debug("Registering setup: {0}", setup.GetType().Name);
            engine.RegisterSetupAction(info => setup.Setup(context, info));
        }

        if (teardown is not null)
        {
            log.Debug("Registering teardown: {0}", teardown.GetType().Name);
            engine.RegisterTeardownAction(info => teardown.Teardown(context, info));
        }

        if (taskSetup is not null)
        {
            log.Debug("Registering task setup: {0}", taskSetup.GetType().Name);
            engine.RegisterTaskSetupAction(info => taskSetup.Setup(context, info));
        }

        if (taskTeardown is not null)
        {
            log.Debug("Registering task teardown: {0}", taskTeardown.GetType().Name);
            engine.RegisterTaskTeardownAction(info => taskTeardown.Teardown(context, info));
        }
    }

    private void RegisterTask(IFrostingTask task)
    {
        var type = task.GetType();
        var name = type.GetTaskName();
        var contextType = type.GetContextType();
        if (!contextType.IsInstanceOfType(context))
        {
            log.Warning("Task '{0}' cannot be used since the context isn't convertible to {1}.", name, contextType.FullName);
            return;
        }

        log.Debug("Registering task: {0}", name);
        var builder = engine.RegisterTask(name);

        var description = type.GetTaskDescription();
        if (!string.IsNullOrWhiteSpace(description))
        {
            builder.Description(description);
        }

        // Run exists on FrostingTask<T> only, RunAsync(T) on AsyncFrostingTask<T> only.
        if (type.Overrides("Run", contextType) || type.Overrides("RunAsync", contextType))
        {
            builder.Does((ICakeContext _) => task.RunAsync(context));
        }

        if (type.Overrides("ShouldRun", contextType))
        {
            // SkippedMessage is read once, here, as Cake.Frosting does.
            builder.WithCriteria((ICakeContext _) => task.ShouldRun(context), task.SkippedMessage);
        }

        if (type.IsContinueOnError())
        {
            builder.ContinueOnError();
        }

        if (type.Overrides("OnError", typeof(Exception), contextType))
        {
            builder.OnError((Exception exception) => task.OnError(exception, context));
        }

        if (type.Overrides("Finally", contextType))
        {
            builder.Finally(() => task.Finally(context));
        }

        foreach (var dependency in type.GetCustomAttributes<IsDependentOnAttribute>())
        {
            builder.IsDependentOn(GetTaskName(dependency.Task, "dependency"));
        }

        foreach (var dependee in type.GetCustomAttributes<IsDependeeOfAttribute>())
        {
            builder.IsDependeeOf(GetTaskName(dependee.Task, "reverse dependency"));
        }
    }

    private static string GetTaskName(Type dependency, string kind) =>
        typeof(IFrostingTask).IsAssignableFrom(dependency)
            ? dependency.GetTaskName()
            : throw new FrostingException($"The {kind} '{dependency.GetTaskName()}' is not a valid task.");
}
