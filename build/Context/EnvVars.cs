using Build.Aws;
using Build.CodeBuild;

namespace Build.Context;

/// <summary>Environment variables this build reads: the CodeBuild node's variables and its own.</summary>
public static class EnvVars
{
    // Set per node in the batch build-graph, as the original shell buildspecs had them (named in CodeBuild/CodeBuildEnvVars).
    public const string Arch = CodeBuildEnvVars.Arch;
    public const string Version = CodeBuildEnvVars.Version;
    public const string Registry = CodeBuildEnvVars.Registry;
    public const string TagSuffix = "TAG_SUFFIX";
    public const string UseEpoch = "USE_EPOCH";

    // Registry credentials for a plain (non-ECR) registry. Read in one place: RegistryCredentialsReader.
    public const string RegistryUsername = "REGISTRY_USERNAME";
    public const string RegistryPassword = "REGISTRY_PASSWORD";

    // Set by CodeBuild in every build of a batch (named in CodeBuild/CodeBuildEnvVars). Read in one place: CodeBuild/CodeBuildEnvironment.
    public const string CodeBuildResolvedSourceVersion = CodeBuildEnvVars.ResolvedSourceVersion;
    public const string CodeBuildSourceRepoUrl = CodeBuildEnvVars.SourceRepoUrl;
    public const string CodeBuildBatchBuildIdentifier = CodeBuildEnvVars.BatchBuildIdentifier;
    public const string CodeBuildBuildId = CodeBuildEnvVars.BuildId;
    public const string CodeBuildBuildArn = CodeBuildEnvVars.BuildArn;
    public const string CodeBuildSourceVersion = CodeBuildEnvVars.SourceVersion;
    public const string CodeBuildWebhookTrigger = CodeBuildEnvVars.WebhookTrigger;
    public const string CodeBuildStartTime = CodeBuildEnvVars.StartTime;
    public const string CodeBuildSourceDirectory = CodeBuildEnvVars.SourceDirectory;

    // Reproducible-builds convention: the timestamp recorded as the image's creation time.
    public const string SourceDateEpoch = "SOURCE_DATE_EPOCH";

    // DOCKER_CONFIG, DOCKER_HOST and DOCKER_CONTEXT: Docker/DockerEnvVars.

    // Where BaseImage caches mmdebstrap root filesystems (default ~/.cache/python-images).
    public const string ImagesCache = Images.BaseImageCache.Variable;

    // ECR mode. Credentials are the AWS SDK's default chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, CodeBuild's container
    // credentials); endpoints: AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (build/Aws/AwsEndpoints.cs).
    public const string PublicRegistry = "PUBLIC_REGISTRY";
    public const string AwsRegion = AwsEnvVars.Region;
    public const string AwsDefaultRegion = AwsEnvVars.DefaultRegion;
    public const string AwsAccountId = AwsEnvVars.AccountId;

    // The signing key's PEM, or an awskms:/// reference, when --signing-key is absent. Read in one place: SigningKeys.
    public const string SigningKey = "SIGNING_KEY";
}
