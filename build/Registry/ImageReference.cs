using System.Globalization;
using System.Text.RegularExpressions;

namespace Build.Registry;

/// <summary>
/// An image in a registry: <c>host[:port]/repo/path[:tag][@sha256:digest]</c>.
/// The registry host is always explicit (no implied docker.io); <see cref="ToString"/> round-trips.
/// </summary>
public sealed partial record ImageReference
{
    private const string Expected = "expected host[:port]/repository[:tag][@sha256:<64 hex>], e.g. 127.0.0.1:5000/python:3.8";

    public ImageReference(string registry, string repository, string? tag = null, string? digest = null)
    {
        Registry = ValidateRegistry(registry);
        Repository = ValidateRepository(repository);
        Tag = tag is null ? null : ValidateTag(tag);
        Digest = digest is null ? null : ValidateDigest(digest);
        if (tag is null && digest is null)
        {
            throw new FormatException($"'{registry}/{repository}' has neither a :tag nor an @sha256: digest; {Expected}.");
        }
    }

    /// <summary>The registry host, with its port when given: <c>127.0.0.1:5000</c>, <c>ghcr.io</c>.</summary>
    public string Registry { get; }

    /// <summary>The repository path inside the registry: <c>python</c>, <c>org/team/python</c>.</summary>
    public string Repository { get; }

    public string? Tag { get; }

    public string? Digest { get; }

    /// <summary>What goes after <c>/manifests/</c>: the digest when there is one, else the tag.</summary>
    public string Reference => Digest ?? Tag!;

    public static ImageReference Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value.Any(char.IsWhiteSpace))
        {
            throw new FormatException($"'{value}' is not an image reference: it is empty or contains whitespace; {Expected}.");
        }

        var rest = value;
        string? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            throw new FormatException($"'{value}' is not an image reference: it names no registry host; {Expected}.");
        }

        var registry = rest[..slash];
        if (!registry.Contains('.', StringComparison.Ordinal) && !registry.Contains(':', StringComparison.Ordinal) &&
            !registry.StartsWith('[') && registry != "localhost")
        {
            throw new FormatException(
                $"'{value}' is not an image reference: it names no registry host ('{registry}' reads as a repository path, " +
                $"as Docker would take it for docker.io/{rest}); {Expected}.");
        }

        var path = rest[(slash + 1)..];
        string? tag = null;
        var colon = path.LastIndexOf(':');
        if (colon >= 0)
        {
            tag = path[(colon + 1)..];
            path = path[..colon];
        }

        if (tag is null && digest is null)
        {
            throw new FormatException($"'{value}' is not an image reference: it has neither a :tag nor an @sha256: digest; {Expected}.");
        }

        try
        {
            return new ImageReference(registry, path, tag, digest);
        }
        catch (FormatException e)
        {
            throw new FormatException($"'{value}' is not an image reference: {e.Message}", e);
        }
    }

    public static bool TryParse(string value, out ImageReference? reference)
    {
        try
        {
            reference = Parse(value);
            return true;
        }
        catch (FormatException)
        {
            reference = null;
            return false;
        }
    }

    public ImageReference WithTag(string tag) => new(Registry, Repository, tag);

    public ImageReference WithDigest(string digest) => new(Registry, Repository, digest: digest);

    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    /// <summary>host[:port] with a port in 1-65535: what --registry and the registry client accept.</summary>
    public static bool IsRegistryHost(string registry) => RegistryHostProblem(registry) is null;

    /// <summary>Null for a host[:port]; otherwise what is wrong: its port is out of range, or it is no host[:port] at all.</summary>
    public static RegistryProblem? RegistryHostProblem(string registry)
    {
        var match = RegistryPattern().Match(registry);
        if (!match.Success)
        {
            return RegistryProblem.NotHostAndPort;
        }

        return match.Groups["port"].Success &&
            (!int.TryParse(match.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            ? RegistryProblem.PortOutOfRange
            : null;
    }

    public enum RegistryProblem
    {
        NotHostAndPort,
        PortOutOfRange,
    }

    /// <summary>Lowercase path components joined by '.', '_', '__' or '-', separated by '/' (the distribution spec's rule).</summary>
    public static bool IsRepositoryName(string repository) => repository.Length is > 0 and <= 255 && RepositoryPattern().IsMatch(repository);

    private static string ValidateRegistry(string registry) => RegistryHostProblem(registry) switch
    {
        null => registry,
        RegistryProblem.PortOutOfRange => throw new FormatException($"registry '{registry}' has port '{registry[(registry.LastIndexOf(':') + 1)..]}', which is not in 1-65535."),
        _ => throw new FormatException($"registry '{registry}' is not a host[:port] (a DNS name, an IPv4 address or a bracketed IPv6 address)."),
    };

    internal static string ValidateRepository(string repository)
    {
        if (repository.Length is 0 or > 255 || !IsRepositoryName(repository))
        {
            var hint = repository.Any(char.IsUpper) ? " (repository names must be lowercase)" : "";
            throw new FormatException(
                $"repository '{repository}' is not valid{hint}: it must be 1-255 characters of lowercase path components " +
                "[a-z0-9] joined by '.', '_', '__' or '-', separated by '/'.");
        }

        return repository;
    }

    internal static string ValidateTag(string tag) => TagPattern().IsMatch(tag)
        ? tag
        : throw new FormatException($"tag '{tag}' is not valid: it must be 1-128 characters of [A-Za-z0-9_.-], not starting with '.' or '-'.");

    internal static string ValidateDigest(string digest) => Digests.IsDigest(digest)
        ? digest
        : throw new FormatException($"digest '{digest}' is not valid: it must be sha256: followed by 64 lowercase hex digits.");

    [GeneratedRegex(@"^(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::(?<port>[0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex RegistryPattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
