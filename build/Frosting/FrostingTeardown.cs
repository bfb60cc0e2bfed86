using Cake.Core;

namespace Cake.Frosting;

/// <summary>A run teardown using the standard Cake context.</summary>
public abstract class FrostingTeardown : FrostingTeardown<ICakeContext>
{
}

/// <summary>Runs after the last task, whatever happened; registered with <c>UseTeardown</c>.</summary>
public abstract class FrostingTeardown<TContext> : IFrostingTeardown
    where TContext : ICakeContext
{
    public abstract void Teardown(TContext context, ITeardownContext info);

    void IFrostingTeardown.Teardown(ICakeContext context, ITeardownContext info) => Teardown((TContext)context, info);
}
