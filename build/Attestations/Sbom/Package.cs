namespace Build.Attestations.Sbom;

public enum PackageKind
{
    Deb,
    Rpm,
    Pypi,
}

/// <summary>One installed package, as its package database records it.</summary>
/// <param name="Licenses">Licence names where known (Debian copyright files, rpm's License tag, Python's License or classifiers).</param>
/// <param name="LicenseExpression">An SPDX expression, when the package states one (Python's License-Expression).</param>
public sealed record Package(
    PackageKind Kind,
    string Name,
    string Version,
    string? Architecture = null,
    IReadOnlyList<string>? Licenses = null,
    string? LicenseExpression = null,
    string? Epoch = null);

/// <summary>/etc/os-release: ID (debian, amzn), VERSION_ID (12, 2023), PRETTY_NAME.</summary>
public sealed record OsRelease(string? Id, string? VersionId, string? PrettyName)
{
    public static OsRelease? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var equals = line.IndexOf('=');
            if (equals > 0)
            {
                values[line[..equals].Trim()] = line[(equals + 1)..].Trim().Trim('"', '\'');
            }
        }

        return new OsRelease(values.GetValueOrDefault("ID"), values.GetValueOrDefault("VERSION_ID"), values.GetValueOrDefault("PRETTY_NAME"));
    }

    /// <summary>purl's distro qualifier: debian-12, amzn-2023.</summary>
    public string? Distro => Id is null ? null : VersionId is null ? Id : $"{Id}-{VersionId}";
}

/// <summary>What is installed in an image, how it was found, and what could not be read (an SBOM then says it is incomplete).</summary>
public sealed record PackageInventory(OsRelease? Os, IReadOnlyList<Package> Packages, IReadOnlyList<string> Gaps, string Method);
