using Cake.Core;

namespace Cake.Frosting;

/// <summary>A task teardown using the standard Cake context.</summary>
public abstract class FrostingTaskTeardown : FrostingTaskTeardown<ICakeContext>
{
}

/// <summary>Runs after each task, also when it failed; registered with <c>UseTaskTeardown</c>.</summary>
public abstract class FrostingTaskTeardown<TContext> : IFrostingTaskTeardown
    where TContext : ICakeContext
{
    public abstract void Teardown(TContext context, ITaskTeardownContext info);

    void IFrostingTaskTeardown.Teardown(ICakeContext context, ITaskTeardownContext info) => Teardown((TContext)context, info);
}
