namespace Build.CodeBuild;

/// <summary>
/// The variables of a batch node: those the build-graph sets per node (the original shell buildspecs' ARCH, VERSION,
/// and the project's REGISTRY) and those CodeBuild sets in every build of a batch. CodeBuild/ is below Context/, so the
/// names live here; Context's <c>EnvVars</c> takes the node variables from here, as this program reads them too.
/// </summary>
public static class CodeBuildEnvVars
{
    // Set per node in the batch build-graph.
    public const string Arch = "ARCH";
    public const string Version = "VERSION";
    public const string Registry = "REGISTRY";

    // Set by CodeBuild in every build of a batch. Read in one place: CodeBuildEnvironment.
    public const string ResolvedSourceVersion = "CODEBUILD_RESOLVED_SOURCE_VERSION";
    public const string SourceRepoUrl = "CODEBUILD_SOURCE_REPO_URL";
    public const string BatchBuildIdentifier = "CODEBUILD_BATCH_BUILD_IDENTIFIER";
    public const string BuildId = "CODEBUILD_BUILD_ID";
    public const string BuildArn = "CODEBUILD_BUILD_ARN";
    public const string SourceVersion = "CODEBUILD_SOURCE_VERSION";
    public const string WebhookTrigger = "CODEBUILD_WEBHOOK_TRIGGER";
    public const string StartTime = "CODEBUILD_START_TIME";
    public const string SourceDirectory = "CODEBUILD_SRC_DIR";
}
