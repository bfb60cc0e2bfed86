namespace Build.Context;

/// <summary>Environment variables this build reads: the CodeBuild node's variables and its own.</summary>
public static class EnvVars
{
    // Set per node in the batch build-graph, as the original shell buildspecs had them.
    public const string Arch = "ARCH";
    public const string Version = "VERSION";
    public const string Registry = "REGISTRY";
    public const string TagSuffix = "TAG_SUFFIX";
    public const string UseEpoch = "USE_EPOCH";

    // Registry credentials for a plain (non-ECR) registry. Read in one place: RegistryCredentialsReader.
    public const string RegistryUsername = "REGISTRY_USERNAME";
    public const string RegistryPassword = "REGISTRY_PASSWORD";

    // Set by CodeBuild in every build of a batch. Read in one place: CodeBuild/CodeBuildEnvironment.
    public const string CodeBuildResolvedSourceVersion = "CODEBUILD_RESOLVED_SOURCE_VERSION";
    public const string CodeBuildSourceRepoUrl = "CODEBUILD_SOURCE_REPO_URL";
    public const string CodeBuildBatchBuildIdentifier = "CODEBUILD_BATCH_BUILD_IDENTIFIER";
    public const string CodeBuildBuildId = "CODEBUILD_BUILD_ID";
    public const string CodeBuildBuildArn = "CODEBUILD_BUILD_ARN";
    public const string CodeBuildSourceVersion = "CODEBUILD_SOURCE_VERSION";
    public const string CodeBuildWebhookTrigger = "CODEBUILD_WEBHOOK_TRIGGER";
    public const string CodeBuildStartTime = "CODEBUILD_START_TIME";
    public const string CodeBuildSourceDirectory = "CODEBUILD_SRC_DIR";

    // Reproducible-builds convention: the timestamp recorded as the image's creation time.
    public const string SourceDateEpoch = "SOURCE_DATE_EPOCH";

    public const string DockerConfig = "DOCKER_CONFIG";

    public const string DockerHost = "DOCKER_HOST";

    public const string DockerContext = "DOCKER_CONTEXT";

    // Where BaseImage caches mmdebstrap root filesystems (default ~/.cache/python-images).
    public const string ImagesCache = Images.BaseImageCache.Variable;

    // ECR mode. Credentials are the AWS SDK's default chain (AWS_ACCESS_KEY_ID, AWS_PROFILE, CodeBuild's container
    // credentials); endpoints: AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (build/Aws/AwsEndpoints.cs).
    public const string PublicRegistry = "PUBLIC_REGISTRY";
    public const string AwsRegion = "AWS_REGION";
    public const string AwsDefaultRegion = "AWS_DEFAULT_REGION";
    public const string AwsAccountId = "AWS_ACCOUNT_ID";

    // The signing key's PEM, or an awskms:/// reference, when --signing-key is absent. Read in one place: SigningKeys.
    public const string SigningKey = "SIGNING_KEY";
}
