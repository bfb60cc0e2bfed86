using Cake.Core;

namespace Cake.Frosting;

/// <summary>Setup and teardown around the whole run.</summary>
public interface IFrostingLifetime
{
    void Setup(ICakeContext context, ISetupContext info);

    void Teardown(ICakeContext context, ITeardownContext info);
}
