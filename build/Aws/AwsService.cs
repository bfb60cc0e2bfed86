namespace Build.Aws;

/// <summary>
/// An AWS service as the one signed client (<see cref="AwsClient"/>) calls it: JSON 1.1 target prefix (none for STS's query protocol),
/// SigV4 signing name, default host and the suffix of its endpoint-override variable (AWS_ENDPOINT_URL_&lt;ID&gt;).
/// </summary>
public sealed record AwsService(
    string Name, string SigningName, string? TargetPrefix, string HostPattern, string EndpointId, string? FixedRegion = null, string? SdkId = null)
{
    public static readonly AwsService Ecr = new(
        "ECR", "ecr", "AmazonEC2ContainerRegistry_V20150921.", "api.ecr.{region}.amazonaws.com", "ECR");

    /// <summary>ECR Public's API (and its tokens) live in us-east-1 only.</summary>
    public static readonly AwsService EcrPublic = new(
        "ECR Public", "ecr-public", "SpencerFrontendService.", "api.ecr-public.{region}.amazonaws.com", "ECR_PUBLIC", FixedRegion: "us-east-1");

    public static readonly AwsService Sts = new("STS", "sts", null, "sts.{region}.amazonaws.com", "STS");

    /// <summary>KMS, for signing with an asymmetric key (--signing-key=awskms:///...).</summary>
    public static readonly AwsService Kms = new("KMS", "kms", "TrentService.", "kms.{region}.amazonaws.com", "KMS");

    /// <summary>CodeBuild, for starting and following batch builds (StartBatch).</summary>
    public static readonly AwsService CodeBuild = new(
        "CodeBuild", "codebuild", "CodeBuild_20161006.", "codebuild.{region}.amazonaws.com", "CODEBUILD", SdkId: "CodeBuild");

    /// <summary>The IAM action prefix of this service's operations: ecr:CreateRepository, ecr-public:GetAuthorizationToken.</summary>
    public string IamPrefix => SigningName;

    public string SigningRegion(string region) => FixedRegion ?? region;

    /// <summary>The SDK's service id ("ECR", "ECR PUBLIC", "CodeBuild"): it names the config file's services entry (ecr, ecr_public, codebuild).</summary>
    public string SdkServiceId => SdkId ?? EndpointId.Replace('_', ' ');

    public override string ToString() => Name;
}
