using Cake.Core;

namespace Cake.Frosting;

/// <summary>Default build context; derive from it to add build-specific state.</summary>
public class FrostingContext(ICakeContext context) : CakeContextAdapter(context), IFrostingContext
{
}
