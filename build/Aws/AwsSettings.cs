using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Cake.Core;
using RetryPolicy = Build.Http.RetryPolicy;

namespace Build.Aws;

/// <summary>
/// The AWS side of a run, read once: region, credentials (the SDK's default chain: environment variables, the profile
/// with its keys, role_arn + source_profile, credential_process or SSO, web identity, CodeBuild's container credentials),
/// the account when AWS_ACCOUNT_ID gives it, the endpoint variables and the SDK's retry settings.
/// </summary>
public sealed class AwsSettings
{
    private AwsSettings(string region, AWSCredentials credentials, string? account, Func<string, string?> environment, RetryPolicy retry)
    {
        RegionName = region;
        Credentials = credentials;
        Account = account;
        Environment = environment;
        Retry = retry;
    }

    public string RegionName { get; }

    public AWSCredentials Credentials { get; }

    /// <summary>From AWS_ACCOUNT_ID or the ECR host; null means: ask STS.</summary>
    public string? Account { get; }

    public Func<string, string?> Environment { get; }

    /// <summary>Attempts and backoff of the hand-written clients: AWS_MAX_ATTEMPTS / AWS_RETRY_MODE as the SDK reads them.</summary>
    public RetryPolicy Retry { get; }

    /// <summary>Settings from known values, not the default chain (tests, tools).</summary>
    public static AwsSettings For(string region, AWSCredentials credentials, string? account, Func<string, string?> environment, RetryPolicy? retry = null) =>
        new(region, credentials, account, environment, retry ?? RetryPolicy.Aws);

    public Uri Endpoint(AwsService service) => AwsEndpoints.Resolve(service, RegionName, Environment);

    /// <summary>
    /// The region: the ECR host's (--region may only agree with it), <paramref name="regionArgument"/> (--region), AWS_REGION, AWS_DEFAULT_REGION
    /// (which the SDK alone ignores), then the profile.
    /// </summary>
    public static string? ResolveRegion(string? regionArgument, string? hostRegion, Func<string, string?> environment)
    {
        if (regionArgument is not null && hostRegion is not null && !string.Equals(regionArgument, hostRegion, StringComparison.OrdinalIgnoreCase))
        {
            throw new CakeException(
                $"--region '{regionArgument}' contradicts the ECR registry's region '{hostRegion}' (from --registry): leave --region out, or give the registry of that region.");
        }

        var region = hostRegion ?? regionArgument ?? NullIfEmpty(environment(AwsEnvVars.Region)) ?? NullIfEmpty(environment(AwsEnvVars.DefaultRegion));
        if (region is not null)
        {
            return region;
        }

        try
        {
            return FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }
        catch (Exception e) when (e is AmazonClientException or InvalidOperationException)
        {
            return null;
        }
    }

    public static AwsSettings Resolve(string? regionArgument, EcrRegistryHost? host, Func<string, string?> environment)
    {
        var region = ResolveRegion(regionArgument, host?.Region, environment) ?? throw new CakeException(
            "No AWS region for ECR: pass --region=<region> (e.g. --region=eu-west-1), set AWS_REGION or AWS_DEFAULT_REGION, " +
            "or give the profile a region (aws configure set region <region>). For a plain registry, pass --registry=host[:port] (or set REGISTRY) instead.");

        var credentials = ResolveCredentials();
        var account = host?.Account ?? NullIfEmpty(environment(AwsEnvVars.AccountId));
        return new AwsSettings(region, credentials, account, environment, AwsSdkConfig.Retry(RetryPolicy.Aws));
    }

    /// <summary>
    /// The default chain's credentials, fetched once here so that a profile that cannot give any (an expired SSO
    /// login, a role that cannot be assumed, a failing credential_process) stops the run before any docker command.
    /// The SDK refreshes temporary ones before they expire.
    /// </summary>
    /// <param name="noCredentials">The message when the chain found none, given the SDK's detail; by default <see cref="NoCredentials"/> (ECR's).</param>
    public static AWSCredentials ResolveCredentials(Func<string, Cake.Core.CakeException>? noCredentials = null)
    {
        try
        {
            var credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
            credentials.GetCredentials();
            return credentials;
        }
        catch (Exception e) when (IdentityProviderRefusal(e) is { } refusal)
        {
            // STS (assume-role, web identity) or SSO answered: the profile was found, the identity provider said no.
            var step = e == refusal ? "" : e.Message.TrimEnd('.') + ": ";
            throw new CakeException(
                $"The AWS credentials of the profile could not be obtained: {step}{refusal.ErrorCode ?? "error"} (HTTP {(int)refusal.StatusCode}): " +
                $"{refusal.Message.TrimEnd('.')}. Check the profile's role_arn and that its source identity may assume the role (sts:AssumeRole, " +
                "or sts:AssumeRoleWithWebIdentity and the role's trust policy for a web identity), or log in again (aws sso login) for SSO.");
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or InvalidOperationException)
        {
            // The SDK takes an SSO profile only once `aws sso login` cached its token; say so instead of its "not allowed here".
            if (System.Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } profile
                && e.Message.Contains($"The profile [{profile}] is an SSO profile", StringComparison.Ordinal))
            {
                throw new CakeException(
                    $"AWS_PROFILE '{profile}' is an SSO profile, and no SSO login is cached for it: run `aws sso login --profile {profile}` " +
                    "(the SDK reads the token it caches in ~/.aws/sso/cache), then run the build again.");
            }

            throw (noCredentials ?? NoCredentials)(e.Message);
        }
    }

    private static AmazonServiceException? IdentityProviderRefusal(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is AmazonServiceException { StatusCode: not 0 } refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    /// <summary>The message for a run that found no AWS credentials: where the chain looked and how to set them.</summary>
    public static CakeException NoCredentials(string detail) => new(
        "No AWS credentials were found for ECR (the SDK's default chain looked in the environment, the shared profile and " +
        "the container/instance metadata" + (string.IsNullOrWhiteSpace(detail) ? "" : ": " + string.Join(" ", detail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.')) + "). " +
        "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or AWS_PROFILE " +
        "naming a profile of ~/.aws/config or ~/.aws/credentials (keys, role_arn + source_profile, credential_process, or SSO after " +
        "aws sso login), or AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, or run where CodeBuild or an instance role provides them. " +
        "For a plain registry, pass --registry=host[:port] (or set REGISTRY) instead.");

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
