namespace Build.Aws;

/// <summary>
/// Where a service's API is, as AWS SDKs resolve it: AWS_ENDPOINT_URL_&lt;SERVICE&gt;, then AWS_ENDPOINT_URL, then the
/// config file's services section and endpoint_url (read by the SDK), then the service's public host;
/// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's ignore_configured_endpoint_urls) ignores all of them.
/// Signing still uses the real region and service name, so an emulator on http://127.0.0.1:PORT sees the requests AWS would.
/// </summary>
public static class AwsEndpoints
{
    public const string EndpointUrl = "AWS_ENDPOINT_URL";
    public const string IgnoreConfiguredEndpointUrls = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";

    public static string VariableFor(AwsService service) => $"{EndpointUrl}_{service.EndpointId}";

    public static Uri Resolve(AwsService service, string region, Func<string, string?> environment)
    {
        var ignored = string.Equals(environment(IgnoreConfiguredEndpointUrls)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        if (!ignored)
        {
            foreach (var variable in new[] { VariableFor(service), EndpointUrl })
            {
                if (environment(variable) is { Length: > 0 } configured)
                {
                    if (!Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    {
                        throw new Cake.Core.CakeException(
                            $"{variable} '{configured}' is not an endpoint URL: give http(s)://host[:port], e.g. {variable}=http://127.0.0.1:4566.");
                    }

                    return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
                }
            }
        }

        if (!ignored && AwsSdkConfig.ConfiguredEndpoint(service.SdkServiceId) is { } profile)
        {
            return new Uri(profile.GetLeftPart(UriPartial.Authority) + "/");
        }

        return Standard(service, region);
    }

    /// <summary>AWS's own endpoint of <paramref name="service"/>, whatever the environment or the config file says.</summary>
    public static Uri Standard(AwsService service, string region) =>
        new($"https://{service.HostPattern.Replace("{region}", service.SigningRegion(region), StringComparison.Ordinal)}/");
}
