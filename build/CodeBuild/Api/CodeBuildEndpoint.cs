using Amazon;
using Build.Aws;
using Cake.Core;

namespace Build.CodeBuild.Api;

/// <summary>
/// Where CodeBuild calls go and the region they are signed for, read as AWS SDKs read them: AWS_REGION, else
/// AWS_DEFAULT_REGION (the SDK's fallback ignores it alone), else the profile; the endpoint from
/// AWS_ENDPOINT_URL_CODEBUILD, else AWS_ENDPOINT_URL, else the config file's services section or endpoint_url (unless
/// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), else the public one.
/// </summary>
public sealed record CodeBuildEndpoint(Uri Url, RegionEndpoint Region)
{
    public const string SigningName = "codebuild";

    public static CodeBuildEndpoint Resolve(ICakeEnvironment environment)
    {
        string? Get(string name) => environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value.Trim() : null;

        var regionName = AwsSettings.ResolveRegion(regionArgument: null, hostRegion: null, Get)
            ?? throw new CakeException("No AWS region for CodeBuild: set AWS_REGION (e.g. AWS_REGION=eu-west-1) or a region in your AWS profile.");
        var region = RegionEndpoint.GetBySystemName(regionName);

        var ignore = Get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") is "true" or "TRUE" or "True";
        var configured = ignore ? null : Get("AWS_ENDPOINT_URL_CODEBUILD") ?? Get("AWS_ENDPOINT_URL") ?? Build.Aws.AwsSdkConfig.ConfiguredEndpoint("CodeBuild")?.ToString();
        if (configured is null)
        {
            return new CodeBuildEndpoint(new Uri($"https://codebuild.{regionName}.amazonaws.com/"), region);
        }

        if (!Uri.TryCreate(configured, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new CakeException($"The CodeBuild endpoint '{configured}' (AWS_ENDPOINT_URL_CODEBUILD or AWS_ENDPOINT_URL) is not an http(s) URL, e.g. http://127.0.0.1:4566.");
        }

        return new CodeBuildEndpoint(url, region);
    }
}
