using Cake.Core;

namespace Cake.Frosting;

/// <summary>A unit of work; implemented through <see cref="FrostingTask{TContext}"/> or <see cref="AsyncFrostingTask{TContext}"/>.</summary>
public interface IFrostingTask
{
    /// <summary>Why the task is skipped when <see cref="ShouldRun"/> is false: Cake logs it and puts it in the report.</summary>
    string SkippedMessage => string.Empty;

    Task RunAsync(ICakeContext context);

    bool ShouldRun(ICakeContext context);

    void OnError(Exception exception, ICakeContext context);

    void Finally(ICakeContext context);
}
