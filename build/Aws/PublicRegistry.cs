using Build.Registry;
using Cake.Core;

namespace Build.Aws;

/// <summary>
/// The --public-registry target: ECR Public and the alias under it, e.g. public.ecr.aws/alias. Its repository for
/// <c>python</c> is <c>alias/python</c>. It receives ECR Public's token, so no other host is accepted, except the host of
/// an ECR Public endpoint the user configured (AWS_ENDPOINT_URL_ECR_PUBLIC or AWS_ENDPOINT_URL: an emulator), which
/// is where that token comes from.
/// </summary>
public sealed record PublicRegistry(string Host, string Namespace)
{
    public const string EcrPublicHost = "public.ecr.aws";

    public static PublicRegistry Parse(string value, Func<string, string?> environment)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? value : value[..slash];
        var ns = slash < 0 ? "" : value[(slash + 1)..].Trim('/');
        try
        {
            if (host.Length == 0 || ns.Length == 0)
            {
                throw new FormatException("it needs a namespace after the host");
            }

            _ = RegistryEndpoint.BaseUri(host);
            ImageReference.ValidateRepository(ns);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new CakeException(
                $"--public-registry '{value}' is not host/namespace ({e.Message.TrimEnd('.')}): give the public registry and its alias, e.g. --public-registry=public.ecr.aws/myalias.");
        }

        var configured = ConfiguredEndpointHost(environment);
        var hostName = new Uri("https://" + host).Host;
        if (!host.Equals(EcrPublicHost, StringComparison.OrdinalIgnoreCase) && !hostName.Equals(configured, StringComparison.OrdinalIgnoreCase))
        {
            throw new CakeException(
                $"--public-registry '{value}' is not ECR Public: give {EcrPublicHost}/<alias>, e.g. --public-registry={EcrPublicHost}/myalias. " +
                $"It receives the ECR Public token, which goes only to {EcrPublicHost}" +
                (configured is null ? "" : $" or to {configured}, the host of the configured ECR Public endpoint") +
                $" ({AwsEndpoints.VariableFor(AwsService.EcrPublic)} or {AwsEndpoints.EndpointUrl} name one for an emulator).");
        }

        return new PublicRegistry(host, ns);
    }

    public string Repository(string repository) => $"{Namespace}/{repository}";

    public override string ToString() => $"{Host}/{Namespace}";

    // The host of the ECR Public endpoint when a variable overrides it; null when it is AWS's own.
    private static string? ConfiguredEndpointHost(Func<string, string?> environment)
    {
        var endpoint = AwsEndpoints.Resolve(AwsService.EcrPublic, AwsService.EcrPublic.SigningRegion(""), environment);
        var standard = AwsEndpoints.Standard(AwsService.EcrPublic, "");
        return endpoint == standard ? null : endpoint.Host;
    }
}
