using Build.Images;
using Build.Registry;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Context;

/// <summary>
/// The typed context every task reads. Arguments, environment and the matrix are parsed once, in
/// <see cref="BuildLifetime"/>'s Setup, so that bad input fails before any task starts.
/// </summary>
public sealed class BuildContext(ICakeContext context) : FrostingContext(context)
{
    private Resolved? _resolved;
    private RegistryClient? _registry;

    public BuildOptions Options => Resolve().Options;

    public ImageMatrix Matrix => Resolve().Matrix;

    public Selection Selection => Resolve().Selection;

    public ImageTags Tags => Resolve().Tags;

    public SourceInfo Source => Resolve().Source;

    public RegistryCredentials? Credentials => Resolve().Credentials;

    /// <summary>The tasks Cake will run for the requested target, in order.</summary>
    public IReadOnlyCollection<string> TasksToExecute => Resolve().TasksToExecute;

    public BuildState State { get; } = new();

    /// <summary>A run-private DOCKER_CONFIG, created by Restore when it logs in and removed at teardown.</summary>
    public string? DockerConfigDirectory { get; set; }

    /// <summary>The registry, e.g. 127.0.0.1:5000. Tasks that push check for it in Setup, so this is safe there.</summary>
    public string RegistryHost => Options.Registry
        ?? throw new CakeException("No registry: pass --registry=host[:port] or set REGISTRY.");

    public RegistryClient RegistryClient => _registry ??= new RegistryClient(
        RegistryHost,
        Credentials,
        log: line => Log.Write(Verbosity.Verbose, LogLevel.Verbose, "{0}", line),
        retry: Retry,
        onRetry: line => Log.Write(Verbosity.Normal, LogLevel.Warning, "{0}", line));

    /// <summary>How registry calls and docker pushes retry transient failures (--retries attempts).</summary>
    public RetryPolicy Retry => RetryPolicy.Default.WithMaxAttempts(Options.Retries);

    public void DisposeRegistry()
    {
        _registry?.Dispose();
        _registry = null;
    }

    public bool Runs(string taskName) => TasksToExecute.Contains(taskName, StringComparer.OrdinalIgnoreCase);

    internal void Initialize(BuildOptions options, ImageMatrix matrix, Selection selection, ImageTags tags, SourceInfo source, RegistryCredentials? credentials, IReadOnlyCollection<string> tasks) =>
        _resolved = new Resolved(options, matrix, selection, tags, source, credentials, tasks);

    private Resolved Resolve() => _resolved ?? throw new InvalidOperationException("The build context is read in Setup; no task runs before it.");

    private sealed record Resolved(
        BuildOptions Options,
        ImageMatrix Matrix,
        Selection Selection,
        ImageTags Tags,
        SourceInfo Source,
        RegistryCredentials? Credentials,
        IReadOnlyCollection<string> TasksToExecute);
}
