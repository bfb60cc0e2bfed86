using Cake.Core;

namespace Cake.Frosting;

/// <summary>Runs before each task (<c>UseTaskSetup</c>).</summary>
public interface IFrostingTaskSetup
{
    void Setup(ICakeContext context, ITaskSetupContext info);
}

/// <summary>Runs after each task, also when it failed (<c>UseTaskTeardown</c>).</summary>
public interface IFrostingTaskTeardown
{
    void Teardown(ICakeContext context, ITaskTeardownContext info);
}

/// <summary>Setup and teardown around every task (<c>UseTaskLifetime</c>).</summary>
public interface IFrostingTaskLifetime : IFrostingTaskSetup, IFrostingTaskTeardown
{
}
