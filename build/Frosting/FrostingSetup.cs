using Cake.Core;

namespace Cake.Frosting;

/// <summary>A run setup using the standard Cake context.</summary>
public abstract class FrostingSetup : FrostingSetup<ICakeContext>
{
}

/// <summary>Runs before the first task; registered with <c>UseSetup</c>.</summary>
public abstract class FrostingSetup<TContext> : IFrostingSetup
    where TContext : ICakeContext
{
    public abstract void Setup(TContext context, ISetupContext info);

    void IFrostingSetup.Setup(ICakeContext context, ISetupContext info) => Setup((TContext)context, info);
}
