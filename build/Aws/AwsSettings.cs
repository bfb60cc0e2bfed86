using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Build.Context;
using Cake.Core;

namespace Build.Aws;

/// <summary>
/// The AWS side of a run, read once: region, credentials (the SDK's default chain: environment, profile,
/// CodeBuild's container credentials), the account when AWS_ACCOUNT_ID gives it, and the endpoint variables.
/// </summary>
public sealed class AwsSettings
{
    private AwsSettings(string region, AWSCredentials credentials, string? account, Func<string, string?> environment)
    {
        RegionName = region;
        Credentials = credentials;
        Account = account;
        Environment = environment;
    }

    public string RegionName { get; }

    public AWSCredentials Credentials { get; }

    /// <summary>From AWS_ACCOUNT_ID or the ECR host; null means: ask STS.</summary>
    public string? Account { get; }

    public Func<string, string?> Environment { get; }

    /// <summary>Settings from known values, not the default chain (tests, tools).</summary>
    public static AwsSettings For(string region, AWSCredentials credentials, string? account, Func<string, string?> environment) =>
        new(region, credentials, account, environment);

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

        var region = hostRegion ?? regionArgument ?? NullIfEmpty(environment(EnvVars.AwsRegion)) ?? NullIfEmpty(environment(EnvVars.AwsDefaultRegion));
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

        AWSCredentials credentials;
        try
        {
            credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or InvalidOperationException)
        {
            throw NoCredentials(e.Message);
        }

        var account = host?.Account ?? NullIfEmpty(environment(EnvVars.AwsAccountId));
        return new AwsSettings(region, credentials, account, environment);
    }

    /// <summary>The message for a run that found no AWS credentials: where the chain looked and how to set them.</summary>
    public static CakeException NoCredentials(string detail) => new(
        "No AWS credentials were found for ECR (the SDK's default chain looked in the environment, the shared profile and " +
        "the container/instance metadata" + (string.IsNullOrWhiteSpace(detail) ? "" : ": " + string.Join(" ", detail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.')) + "). " +
        "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or AWS_PROFILE " +
        "naming a profile of ~/.aws/credentials (aws configure), or run where CodeBuild or an instance role provides them. " +
        "For a plain registry, pass --registry=host[:port] (or set REGISTRY) instead.");

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
