using System.Runtime.InteropServices;
using Build.Processes;

namespace Build.Context;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM end the run cleanly: the processes it started get SIGTERM, the run-private
/// DOCKER_CONFIG (a password or registry token) is removed, and the run exits with 128 + the signal (130, 143), as
/// a shell reports a process a signal ended.
/// </summary>
public sealed class Interruption : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;

    private Interruption(Action cleanup) =>
        _registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(signal => PosixSignalRegistration.Create(signal, context => Stop(context, cleanup)))];

    public static Interruption Register(Action cleanup) => new(cleanup);

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private static void Stop(PosixSignalContext context, Action cleanup)
    {
        context.Cancel = true;
        var (name, number) = context.Signal == PosixSignal.SIGINT ? ("SIGINT", ProcessTree.SigInt) : ("SIGTERM", ProcessTree.SigTerm);
        ProcessTree.Signal(Environment.ProcessId, ProcessTree.SigTerm, includeRoot: false);
        cleanup();
        Console.Error.WriteLine($"Stopped by {name}: the processes this run started were sent SIGTERM and its private DOCKER_CONFIG was removed.");
        Environment.Exit(128 + number);
    }
}
