using Cake.Core;

namespace Cake.Frosting;

/// <summary>Task lifetime using the standard Cake context.</summary>
public abstract class FrostingTaskLifetime : FrostingTaskLifetime<ICakeContext>
{
}

/// <summary>Setup runs before each task body, teardown after it (also when it failed).</summary>
public abstract class FrostingTaskLifetime<TContext> : IFrostingTaskLifetime
    where TContext : ICakeContext
{
    public abstract void Setup(TContext context, ITaskSetupContext info);

    public abstract void Teardown(TContext context, ITaskTeardownContext info);

    void IFrostingTaskSetup.Setup(ICakeContext context, ITaskSetupContext info) => Setup((TContext)context, info);

    void IFrostingTaskTeardown.Teardown(ICakeContext context, ITaskTeardownContext info) => Teardown((TContext)context, info);
}
