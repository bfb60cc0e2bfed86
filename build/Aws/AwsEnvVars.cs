namespace Build.Aws;

/// <summary>The AWS SDKs' environment variables this build reads itself (credentials stay with the SDK's default chain).</summary>
public static class AwsEnvVars
{
    public const string Region = "AWS_REGION";

    /// <summary>The older name, which the AWS CLI reads and the .NET SDK's fallback ignores alone.</summary>
    public const string DefaultRegion = "AWS_DEFAULT_REGION";

    /// <summary>ECR mode without --registry: the account whose registry to use (else STS says).</summary>
    public const string AccountId = "AWS_ACCOUNT_ID";
}
