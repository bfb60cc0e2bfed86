using Cake.Core;

namespace Cake.Frosting;

/// <summary>Runs before the first task (<c>UseSetup</c>).</summary>
public interface IFrostingSetup
{
    void Setup(ICakeContext context, ISetupContext info);
}

/// <summary>Runs after the last task, whatever happened (<c>UseTeardown</c>).</summary>
public interface IFrostingTeardown
{
    void Teardown(ICakeContext context, ITeardownContext info);
}

/// <summary>Setup and teardown around the whole run (<c>UseLifetime</c>).</summary>
public interface IFrostingLifetime : IFrostingSetup, IFrostingTeardown
{
}
