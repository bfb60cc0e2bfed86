using Cake.Core;

namespace Cake.Frosting;

/// <summary>The context handed to Frosting tasks and lifetimes.</summary>
public interface IFrostingContext : ICakeContext
{
}
