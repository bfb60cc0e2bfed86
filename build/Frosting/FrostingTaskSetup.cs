using Cake.Core;

namespace Cake.Frosting;

/// <summary>A task setup using the standard Cake context.</summary>
public abstract class FrostingTaskSetup : FrostingTaskSetup<ICakeContext>
{
}

/// <summary>Runs before each task; registered with <c>UseTaskSetup</c>.</summary>
public abstract class FrostingTaskSetup<TContext> : IFrostingTaskSetup
    where TContext : ICakeContext
{
    public abstract void Setup(TContext context, ITaskSetupContext info);

    void IFrostingTaskSetup.Setup(ICakeContext context, ITaskSetupContext info) => Setup((TContext)context, info);
}
