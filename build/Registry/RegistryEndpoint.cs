using System.Net;

namespace Build.Registry;

/// <summary>Where a registry's API is: plain HTTP for loopback hosts, HTTPS otherwise, or the scheme given explicitly.</summary>
public static class RegistryEndpoint
{
    /// <summary>
    /// The API base for <paramref name="registry"/> (<c>host[:port]</c>, or <c>http://host[:port]</c> /
    /// <c>https://host[:port]</c> to choose the scheme): <c>http://127.0.0.1:5000/</c>, <c>https://ghcr.io/</c>.
    /// docker.io means Docker Hub's API host, registry-1.docker.io.
    /// </summary>
    public static Uri BaseUri(string registry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(registry);
        var explicitScheme = registry.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ||
                             registry.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        var authority = explicitScheme ? registry[(registry.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/') : registry;
        if (!Uri.TryCreate("https://" + authority, UriKind.Absolute, out var uri) || authority.Length == 0 ||
            uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw new ArgumentException(
                $"'{registry}' is not a registry: expected host[:port], e.g. 127.0.0.1:5000 or ghcr.io (or http://host:port to force plain HTTP).",
                nameof(registry));
        }

        if (uri.Host is "docker.io" or "index.docker.io")
        {
            return new Uri("https://registry-1.docker.io/");
        }

        var scheme = explicitScheme
            ? registry[..registry.IndexOf("://", StringComparison.Ordinal)].ToLowerInvariant()
            : IsLoopback(uri) ? "http" : "https";
        return new Uri($"{scheme}://{authority}/");
    }

    /// <summary>True for localhost, 127.0.0.0/8 and ::1: registries reached without TLS.</summary>
    public static bool IsLoopback(Uri uri) =>
        uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
        (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 &&
         IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
