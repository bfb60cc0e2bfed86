using Build.Aws;
using Build.CodeBuild;
using Build.Docker;
using Build.Docker.Version;
using Build.Http;
using Build.Images;
using Build.Registry;
using Build.Steps.LogInToRegistry;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Context;

/// <summary>
/// The typed context every task reads. Arguments, environment and the matrix are parsed once, in
/// <see cref="BuildLifetime"/>'s Setup, so that bad input fails before any task starts.
/// </summary>
public sealed class BuildContext(ICakeContext context, RunMode mode) : FrostingContext(context)
{
    private Resolved? _resolved;
    private ImageTags? _ecrTags;
    private RegistryClient? _registry;
    private RegistryClient? _publicRegistry;

    /// <summary>A dry run or a real one (from the command line: Cake does not put --dryrun in the arguments).</summary>
    public RunMode Mode { get; } = mode;

    public BuildOptions Options => Resolve().Options;

    public ImageMatrix Matrix => Resolve().Matrix;

    public Selection Selection => Resolve().Selection;

    /// <summary>The tags; in ECR mode their registry is the one Restore resolved (<see cref="EcrRegistry"/>), unset before it.</summary>
    public ImageTags Tags => _ecrTags ?? Resolve().Tags;

    /// <summary>ECR mode's AWS side (no --registry, or an ECR host); null for a plain registry and under --dryrun.</summary>
    public EcrSession? Ecr { get; private set; }

    /// <summary>What Restore resolved in ECR mode (account, registry, repository, docker login); null before it and for a plain registry.</summary>
    public EcrRegistry? EcrRegistry { get; private set; }

    /// <summary>The --public-registry to promote to (ECR Public), or null.</summary>
    public PublicRegistry? PublicRegistry { get; private set; }

    /// <summary>The source commit and remote; read from git on first use only (runs given --tag-suffix that build nothing need no git).</summary>
    public SourceInfo Source => Resolve().Source.Value;

    public RegistryCredentials? Credentials => Resolve().Credentials;

    /// <summary>The CodeBuild build this run is (a batch node or not); <see cref="CodeBuildEnvironment.None"/> elsewhere.</summary>
    public CodeBuildEnvironment CodeBuild => Resolve().CodeBuild;

    /// <summary>The arguments of the CodeBuild batch tasks (Buildspec, CheckBuildspec, LocalBatch, StartBatch).</summary>
    public BatchOptions Batch => Resolve().Batch;

    /// <summary>The tasks Cake will run for the requested target, in order.</summary>
    public IReadOnlyCollection<string> TasksToExecute => Resolve().TasksToExecute;

    public BuildState State { get; } = new();

    /// <summary>The signing key (none: nothing is signed) and the key VerifyImage checks with; read in Setup.</summary>
    public SigningKeys Signing { get; private set; } = SigningKeys.Empty;

    /// <summary>`docker version` running since Setup; Restore takes its answer (<see cref="TakeDockerProbe"/>).</summary>
    private DockerEngineProbe? _dockerProbe;

    private PrivateDockerConfig? _dockerConfig;

    /// <summary>The run-private DOCKER_CONFIG, once a login made it; removed at teardown or on SIGINT/SIGTERM.</summary>
    public string? DockerConfigDirectory => _dockerConfig?.Directory;

    /// <summary>The run-private DOCKER_CONFIG for a login, made on first use.</summary>
    public string EnsureDockerConfig() => (_dockerConfig ??= PrivateDockerConfig.Create()).Directory;

    /// <summary>Removes the run-private DOCKER_CONFIG (the login lives only as long as the run).</summary>
    public void RemoveDockerConfig() => _dockerConfig?.Dispose();

    /// <summary>The registry, e.g. 127.0.0.1:5000. Tasks that push check for it in Setup, so this is safe there.</summary>
    public string RegistryHost => Tags.Registry
        ?? throw new CakeException("No registry: pass --registry=host[:port] or set REGISTRY.");

    public RegistryClient RegistryClient => _registry ??= Ecr is { } ecr
        ? new RegistryClient(EcrRegistry?.Api ?? RegistryHost, ecr.Tokens.GetCredentialsAsync, log: LogVerbose, retry: Retry, onRetry: LogRetry)
        : new RegistryClient(RegistryHost, LoginFor(RegistryHost, Credentials), log: LogVerbose, retry: Retry, onRetry: LogRetry);

    /// <summary>The login of a plain registry: <paramref name="fromVariables"/> (REGISTRY_USERNAME/PASSWORD) when given, else docker's.</summary>
    public RegistryLogin LoginFor(string registry, RegistryCredentials? fromVariables = null) =>
        new(registry, fromVariables, Environment.GetEnvironmentVariable);

    /// <summary>The client of --public-registry, logged in with ECR Public's token.</summary>
    public RegistryClient PublicRegistryClient => _publicRegistry ??= Ecr is { } ecr && PublicRegistry is { } target
        ? new RegistryClient(target.Host, ecr.PublicTokensFor(target.Host).GetCredentialsAsync, log: LogVerbose, retry: Retry, onRetry: LogRetry)
        : throw new InvalidOperationException("Promotion needs ECR mode and --public-registry.");

    /// <summary>ECR mode: Restore hands on what it resolved, once; nothing read the registry before (it was not known). Null: a plain registry.</summary>
    internal void HandOn(EcrRegistry? restored)
    {
        if (restored is null)
        {
            return;
        }

        if (EcrRegistry is not null || _registry is not null)
        {
            throw new InvalidOperationException("Restore resolves the ECR registry once, before any task reads it.");
        }

        EcrRegistry = restored;
        _ecrTags = Resolve().Tags with { Registry = restored.Host };
    }

    /// <summary>How registry calls and docker pushes retry transient failures (--retries attempts).</summary>
    public RetryPolicy Retry => RetryPolicy.Default.WithMaxAttempts(Options.Retries) with { MoreAttempts = $"raise --{Context.Arguments.Retries}" };

    private void LogRetry(string line) => Log.Write(Verbosity.Normal, LogLevel.Warning, "{0}", line);

    public void DisposeRegistry()
    {
        _registry?.Dispose();
        _registry = null;
        _publicRegistry?.Dispose();
        _publicRegistry = null;
        Ecr?.Dispose();
        Signing.Dispose();
    }

    internal void StartDockerProbe() => _dockerProbe = DockerEngineProbe.Start(this);

    /// <summary>The answer of the `docker version` Setup started, once; null when none was started or it was taken.</summary>
    public DockerEngineProbe? TakeDockerProbe() => Interlocked.Exchange(ref _dockerProbe, null);

    public bool Runs(string taskName) => TasksToExecute.Contains(taskName, StringComparer.OrdinalIgnoreCase);

    internal void Initialize(BuildOptions options, ImageMatrix matrix, Selection selection, ImageTags tags, Lazy<SourceInfo> source, RegistryCredentials? credentials, IReadOnlyCollection<string> tasks, CodeBuildEnvironment codeBuild, BatchOptions batch) =>
        _resolved = new Resolved(options, matrix, selection, tags, source, credentials, tasks, codeBuild, batch);

    internal void InitializeSigning(SigningKeys signing) => Signing = signing;

    internal void InitializeEcr(EcrSession? ecr, PublicRegistry? publicRegistry)
    {
        Ecr = ecr;
        PublicRegistry = publicRegistry;
    }

    private void LogVerbose(string line) => Log.Write(Cake.Core.Diagnostics.Verbosity.Verbose, Cake.Core.Diagnostics.LogLevel.Verbose, "{0}", line);

    private Resolved Resolve() => _resolved ?? throw new InvalidOperationException("The build context is read in Setup; no task runs before it.");

    private sealed record Resolved(
        BuildOptions Options,
        ImageMatrix Matrix,
        Selection Selection,
        ImageTags Tags,
        Lazy<SourceInfo> Source,
        RegistryCredentials? Credentials,
        IReadOnlyCollection<string> TasksToExecute,
        CodeBuildEnvironment CodeBuild,
        BatchOptions Batch);
}
