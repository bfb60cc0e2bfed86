using Build.Aws;
using Build.Images;
using Build.Registry;
using Cake.Core;

namespace Build.Context;

/// <summary>The command line and the node's environment, read once. Arguments win over environment variables.</summary>
public sealed record BuildOptions(
    string? Arch,
    string? PythonVersion,
    string MatrixPath,
    string? Registry,
    string? Repository,
    string? TagSuffix,
    bool UseDate,
    bool DryRun,
    bool? InstallPrerequisites = null,
    string? Region = null,
    TagMutability TagImmutability = TagMutability.Mutable,
    string? PublicRegistry = null,

    int Retries = BuildOptions.DefaultRetries,
    bool Force = false,
    bool AllowPartial = false,
    string? SigningKey = null,
    string? PublicKey = null,
    bool Verify = false)
{
    /// <summary>Attempts per registry call and per docker push, unless --retries says otherwise.</summary>
    public const int DefaultRetries = 5;

    public static BuildOptions Parse(OptionReader read, RunMode mode)
    {
        var options = new BuildOptions(
            Arch: read.ArgumentOrEnvironment(Arguments.Arch, EnvVars.Arch),
            PythonVersion: read.ArgumentOrEnvironment(Arguments.PythonVersion, EnvVars.Version),
            MatrixPath: read.Argument(Arguments.Matrix) ?? Paths.DefaultMatrix,
            Registry: read.ArgumentOrEnvironment(Arguments.Registry, EnvVars.Registry),
            Repository: read.Argument(Arguments.Repository),
            TagSuffix: read.ArgumentOrEnvironment(Arguments.TagSuffix, EnvVars.TagSuffix),
            UseDate: read.Flag(Arguments.UseDate) || read.Environment(EnvVars.UseEpoch) is "1" or "true",
            DryRun: mode.DryRun,
            InstallPrerequisites: read.Has(Arguments.InstallPrerequisites) ? read.Flag(Arguments.InstallPrerequisites) : null,
            Region: read.Argument(Arguments.Region),
            TagImmutability: ParseMutability(read.Argument(Arguments.TagImmutability)),
            PublicRegistry: read.ArgumentOrEnvironment(Arguments.PublicRegistry, EnvVars.PublicRegistry),

            Retries: Attempts(read),
            Force: read.Flag(Arguments.Force),
            AllowPartial: read.Flag(Arguments.AllowPartial),
            SigningKey: read.Argument(Arguments.SigningKey),
            PublicKey: read.Argument(Arguments.PublicKey),
            Verify: read.Flag(Arguments.Verify));
        options.Validate();
        return options;
    }

    private void Validate()
    {
        switch (Registry is { } registry ? ImageReference.RegistryHostProblem(registry) : null)
        {
            case ImageReference.RegistryProblem.PortOutOfRange:
                throw new CakeException(
                    $"--registry '{Registry}': port {Registry?[(Registry.LastIndexOf(':') + 1)..]} is not in 1-65535, e.g. --registry=127.0.0.1:5000.");
            case ImageReference.RegistryProblem.NotHostAndPort:
                throw new CakeException(
                    $"--registry '{Registry}' is not a registry host: give host[:port] with no scheme or path, e.g. --registry=127.0.0.1:5000 " +
                    "or --registry=123456789012.dkr.ecr.eu-west-1.amazonaws.com; put a namespace in --repository (e.g. --repository=team/python).");
        }

        // The repository becomes part of every image reference docker gets: the matrix's rule, checked before any task.
        if (Repository is not null && !ImageReference.IsRepositoryName(Repository))
        {
            throw new CakeException(
                $"--repository '{Repository}' is not a repository name: 1-255 characters of lowercase path components [a-z0-9] joined by " +
                "'.', '_', '__' or '-', separated by '/', e.g. --repository=team/python.");
        }

        if (TagSuffix is not null && !ImageTags.IsTagComponent(TagSuffix))
        {
            throw new CakeException(
                $"--tag-suffix '{TagSuffix}' cannot be part of an image tag: use letters, digits, '.', '_' and '-' (at most 64 characters), e.g. --tag-suffix=1a2b3c4.");
        }
    }

    /// <summary>The checks across options that need the tasks to run and the matrix: once both are known, in Setup.</summary>
    public void Validate(IReadOnlyCollection<string> tasks, ImageMatrix matrix)
    {
        var ecr = UsesEcr(tasks);
        if (PublicRegistry is not null && !ecr)
        {
            throw new CakeException(
                $"--public-registry '{PublicRegistry}' promotes from ECR: run without --registry (ECR mode) or with an ECR --registry " +
                "(<account>.dkr.ecr.<region>.amazonaws.com), or leave --public-registry out.");
        }

        var needsRegistryForBase = matrix.Base is not null || matrix.Images.Any(i => i.BuildArgs.Values.Any(v => v.Contains(ImageBuildSettingsFactory.RegistryPlaceholder, StringComparison.Ordinal)));
        if (!ecr && Registry is null && needsRegistryForBase && tasks.Contains(TaskNames.BuildImage, StringComparer.OrdinalIgnoreCase))
        {
            throw new CakeException(
                $"The matrix '{matrix.FilePath}' builds on a base published to the target registry ({ImageBuildSettingsFactory.RegistryPlaceholder}), so it needs one: " +
                "pass --registry=host[:port] (e.g. --registry=127.0.0.1:5000) or set REGISTRY.");
        }
    }

    /// <summary>ECR mode for these tasks: one of them talks to a registry, and that registry is ECR (<see cref="IsEcr"/>).</summary>
    public bool UsesEcr(IEnumerable<string> tasks) => tasks.Intersect(TaskNames.NeedRegistry, StringComparer.OrdinalIgnoreCase).Any() && IsEcr;

    /// <summary>ECR mode: no --registry (the account's ECR registry), or an ECR host as --registry.</summary>
    public bool IsEcr => Registry is null || EcrRegistryHost.TryParse(Registry) is not null;

    private static TagMutability ParseMutability(string? value) => value?.ToUpperInvariant() switch
    {
        null or "MUTABLE" => TagMutability.Mutable,
        "IMMUTABLE" => TagMutability.Immutable,
        _ => throw new CakeException($"--tag-immutability '{value}' is not a tag mutability: use MUTABLE (the default) or IMMUTABLE."),
    };

    private static int Attempts(OptionReader read)
    {
        var value = read.Argument(Arguments.Retries);
        if (value is null)
        {
            return DefaultRetries;
        }

        return int.TryParse(value, out var attempts) && attempts is >= 1 and <= 20
            ? attempts
            : throw new CakeException(
                $"--{Arguments.Retries} '{value}' is not a number of attempts: give 1 (no retry) to 20, e.g. --{Arguments.Retries}={DefaultRetries} (the default).");
    }
}
