using Cake.Core;

namespace Cake.Frosting;

/// <summary>Run lifetime using the standard Cake context.</summary>
public abstract class FrostingLifetime : FrostingLifetime<ICakeContext>
{
}

/// <summary>
/// Setup runs before the first task (if it fails, no task runs but teardown still does);
/// teardown runs after the last task, whatever happened.
/// </summary>
public abstract class FrostingLifetime<TContext> : IFrostingLifetime
    where TContext : ICakeContext
{
    public abstract void Setup(TContext context, ISetupContext info);

    public abstract void Teardown(TContext context, ITeardownContext info);

    void IFrostingSetup.Setup(ICakeContext context, ISetupContext info) => Setup((TContext)context, info);

    void IFrostingTeardown.Teardown(ICakeContext context, ITeardownContext info) => Teardown((TContext)context, info);
}
