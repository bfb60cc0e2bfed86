using Cake.Core;

namespace Cake.Frosting;

/// <summary>A unit of work; implemented through <see cref="FrostingTask{TContext}"/> or <see cref="AsyncFrostingTask{TContext}"/>.</summary>
public interface IFrostingTask
{
    Task RunAsync(ICakeContext context);

    bool ShouldRun(ICakeContext context);

    void OnError(Exception exception, ICakeContext context);

    void Finally(ICakeContext context);
}
