using Build.Registry;
using Cake.Core;

namespace Build.Aws;

/// <summary>
/// The --public-registry target: a host and the namespace under it, e.g. public.ecr.aws/alias. Its repository for
/// <c>python</c> is <c>alias/python</c>.
/// </summary>
public sealed record PublicRegistry(string Host, string Namespace)
{
    public static PublicRegistry Parse(string value)
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

        return new PublicRegistry(host, ns);
    }

    public string Repository(string repository) => $"{Namespace}/{repository}";

    public override string ToString() => $"{Host}/{Namespace}";
}
