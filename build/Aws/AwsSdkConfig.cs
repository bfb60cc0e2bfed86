using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Cake.Core;
using RetryPolicy = Build.Http.RetryPolicy;

namespace Build.Aws;

/// <summary>
/// What the AWS SDK reads for a service besides credentials, for the hand-written clients (ECR, ECR Public, CodeBuild)
/// to follow it as the SDK's own clients do: the endpoint from the config file's <c>endpoint_url</c> or its
/// <c>services</c> section (the SDK's ClientConfig resolves it by service id), and <c>AWS_MAX_ATTEMPTS</c> /
/// <c>AWS_RETRY_MODE</c> (or the profile's <c>max_attempts</c> / <c>retry_mode</c>).
/// </summary>
public static class AwsSdkConfig
{
    /// <summary>The endpoint configured for <paramref name="serviceId"/> (e.g. "ECR", "ECR PUBLIC", "CodeBuild"), or null.</summary>
    public static Uri? ConfiguredEndpoint(string serviceId)
    {
        var url = new ServiceConfig(serviceId).ServiceURL;
        return string.IsNullOrWhiteSpace(url) ? null : new Uri(url);
    }

    /// <summary>
    /// <paramref name="fallback"/> with the attempts the SDK makes: max_attempts when set; else, when a retry mode
    /// (standard or adaptive: the SDK for .NET 4 has no legacy mode) is set, the SDK's default of 3; else the fallback's.
    /// Adaptive mode's client-side rate limiting is not modelled: it backs off as standard does.
    /// </summary>
    public static RetryPolicy Retry(RetryPolicy fallback)
    {
        int? attempts;
        RequestRetryMode? mode;
        try
        {
            attempts = FallbackInternalConfigurationFactory.MaxAttempts;
            mode = FallbackInternalConfigurationFactory.RetryMode;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or AmazonClientException or InvalidOperationException)
        {
            throw new CakeException(
                $"The AWS retry settings are not valid ({e.Message}): AWS_MAX_ATTEMPTS (or max_attempts) is a number of attempts, e.g. 5; " +
                "AWS_RETRY_MODE (or retry_mode) is standard or adaptive.");
        }

        return attempts switch
        {
            >= 1 => fallback.WithMaxAttempts(attempts.Value),
            not null => throw new CakeException($"AWS_MAX_ATTEMPTS (or max_attempts) is {attempts}: give at least 1 (1 = no retry)."),
            null when mode is not null => fallback.WithMaxAttempts(3),
            _ => fallback,
        };
    }

    // Only its service id and configuration lookups are used: no request goes through it.
    private sealed class ServiceConfig : ClientConfig
    {
        public ServiceConfig(string serviceId)
            : base(new StandardDefaults())
        {
            ServiceId = serviceId;
        }

        public override string RegionEndpointServiceName => ServiceId.ToLowerInvariant().Replace(' ', '-');

        public override string ServiceVersion => "configuration";

        public override string UserAgent => "Build.Aws";

        public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters) =>
            throw new NotSupportedException("Only the configuration is read.");
    }

    private sealed class StandardDefaults : IDefaultConfigurationProvider
    {
        public IDefaultConfiguration GetDefaultConfiguration(Amazon.RegionEndpoint clientRegion, DefaultConfigurationMode? requestedConfigurationMode = null) =>
            new DefaultConfiguration { Name = DefaultConfigurationMode.Standard, RetryMode = RequestRetryMode.Standard };
    }
}
