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
    IFrostingLifetime? lifetime = null,
    IFrostingTaskLifetime? taskLifetime = null)
{
    public void Configure()
    {
        foreach (var task in tasks)
        {
            RegisterTask(task);
        }

        if (lifetime is not null)
        {
            engine.RegisterSetupAction(info => lifetime.Setup(context, info));
            engine.RegisterTeardownAction(info => lifetime.Teardown(context, info));
        }

        if (taskLifetime is not null)
        {
            engine.RegisterTaskSetupAction(info => taskLifetime.Setup(context, info));
            engine.RegisterTaskTeardownAction(info => taskLifetime.Teardown(context, info));
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
            builder.WithCriteria((ICakeContext _) => task.ShouldRun(context));
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
            builder.IsDependentOn(GetTaskName(dependency.Task, name));
        }

        foreach (var dependee in type.GetCustomAttributes<IsDependeeOfAttribute>())
        {
            builder.IsDependeeOf(GetTaskName(dependee.Task, name));
        }
    }

    private static string GetTaskName(Type dependency, string task) =>
        typeof(IFrostingTask).IsAssignableFrom(dependency)
            ? dependency.GetTaskName()
            : throw new CakeException($"The dependency '{dependency.Name}' of task '{task}' is not a valid task.");
}
