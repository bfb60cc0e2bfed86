using Build.CodeBuild;

namespace Build.Context;

/// <summary>Names of the command-line arguments this build reads (besides Cake's own).</summary>
public static class Arguments
{
    public const string Arch = "arch";
    public const string PythonVersion = "python-version";
    public const string Matrix = BatchCommandLine.MatrixArgument;
    public const string Registry = "registry";
    public const string Repository = "repository";
    public const string TagSuffix = "tag-suffix";
    public const string UseDate = "use-date";
    public const string InstallPrerequisites = "install-prerequisites";
    public const string Retries = "retries";
    public const string Force = "force";
    public const string AllowPartial = "allow-partial";
    public const string Region = "region";
    public const string TagImmutability = "tag-immutability";
    public const string PublicRegistry = "public-registry";

    // Supply chain: cosign signatures, SBOM and provenance (build/Signing, build/Attestations).
    public const string SigningKey = "signing-key";
    public const string PublicKey = "public-key";
    public const string Verify = "verify";

    // CodeBuild batch tasks (Buildspec, CheckBuildspec, LocalBatch, StartBatch).
    public const string BuildspecDirectory = BatchCommandLine.BuildspecDirectoryArgument;
    public const string ManifestNodes = BatchCommandLine.ManifestNodesArgument;
    public const string GroupBy = BatchCommandLine.GroupByArgument;
    public const string Buildspec = "buildspec";
    public const string Parallel = "parallel";
    public const string Isolation = BatchCommandLine.IsolationArgument;
    public const string BatchCache = "batch-cache";
    public const string CodeBuildProject = "codebuild-project";
    public const string PollInterval = "poll-interval";
    public const string AllowEditedBuildspec = "allow-edited-buildspec";
}
