using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Build.Attestations.Sbom;

/// <summary>
/// A CycloneDX 1.5 JSON SBOM of one image: the image as metadata.component, the operating system, and every package
/// with name, version, purl and licences where known. Gaps in what could be read are stated (compositions:
/// "incomplete") rather than hidden.
/// </summary>
public static class CycloneDx
{
    public const string SpecVersion = "1.5";

    /// <param name="imageName">The repository, registry included.</param>
    /// <param name="digest">The image manifest's digest.</param>
    public static JsonObject Create(PackageInventory inventory, string imageName, string digest, string tool, DateTimeOffset timestamp)
    {
        var components = new JsonArray();
        if (inventory.Os is { Id: { } id } os)
        {
            components.Add(new JsonObject
            {
                ["type"] = "operating-system",
                ["bom-ref"] = $"os:{os.Distro}",
                ["name"] = id,
                ["version"] = os.VersionId,
                ["description"] = os.PrettyName,
            });
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var package in inventory.Packages.OrderBy(p => p.Kind).ThenBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal))
        {
            var purl = Purl(package, inventory.Os);
            if (!seen.Add(purl))
            {
                continue;
            }

            var component = new JsonObject
            {
                ["type"] = "library",
                ["bom-ref"] = purl,
                ["name"] = package.Name,
                ["version"] = package.Version,
                ["purl"] = purl,
            };
            if (Licenses(package) is { } licenses)
            {
                component["licenses"] = licenses;
            }

            component["properties"] = new JsonArray(new JsonObject { ["name"] = "python-images:package-manager", ["value"] = Manager(package.Kind) });
            components.Add(component);
        }

        var properties = new JsonArray(new JsonObject { ["name"] = "python-images:sbom:method", ["value"] = inventory.Method });
        foreach (var gap in inventory.Gaps)
        {
            properties.Add(new JsonObject { ["name"] = "python-images:sbom:gap", ["value"] = gap });
        }

        var bom = new JsonObject
        {
            ["bomFormat"] = "CycloneDX",
            ["specVersion"] = SpecVersion,
            ["serialNumber"] = "urn:uuid:" + Guid.NewGuid(),
            ["version"] = 1,
            ["metadata"] = new JsonObject
            {
                ["timestamp"] = Timestamp(timestamp),
                ["tools"] = new JsonObject { ["components"] = new JsonArray(new JsonObject { ["type"] = "application", ["name"] = tool }) },
                ["component"] = ImageComponent(imageName, digest),
                ["properties"] = properties,
            },
            ["components"] = components,
        };
        if (inventory.Gaps.Count > 0)
        {
            bom["compositions"] = new JsonArray(new JsonObject { ["aggregate"] = "incomplete", ["assemblies"] = new JsonArray($"{imageName}@{digest}") });
        }

        return bom;
    }

    /// <summary>The image an SBOM describes: metadata.component, of type container, its version the digest.</summary>
    public static JsonObject ImageComponent(string imageName, string digest) => new()
    {
        ["type"] = "container",
        ["bom-ref"] = $"{imageName}@{digest}",
        ["name"] = imageName,
        ["version"] = digest,
        ["hashes"] = new JsonArray(new JsonObject { ["alg"] = "SHA-256", ["content"] = digest["sha256:".Length..] }),
    };

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>pkg:deb/debian/python3.11@3.11.2-6?arch=amd64&amp;distro=debian-12, pkg:rpm/amzn/…, pkg:pypi/pip@23.0.1.</summary>
    public static string Purl(Package package, OsRelease? os)
    {
        var qualifiers = new List<string>();
        if (package.Architecture is { Length: > 0 } arch && package.Kind != PackageKind.Pypi)
        {
            qualifiers.Add("arch=" + Encode(arch));
        }

        if (package.Kind != PackageKind.Pypi && os?.Distro is { } distro)
        {
            qualifiers.Add("distro=" + Encode(distro));
        }

        if (package.Kind == PackageKind.Rpm && package.Epoch is { } epoch)
        {
            qualifiers.Add("epoch=" + Encode(epoch));
        }

        var path = package.Kind switch
        {
            PackageKind.Deb => $"pkg:deb/{Encode(os?.Id ?? "debian")}/{Encode(package.Name)}",
            PackageKind.Rpm => $"pkg:rpm/{Encode(os?.Id ?? "rpm")}/{Encode(package.Name)}",
            _ => $"pkg:pypi/{Encode(NormalizePythonName(package.Name))}",
        };
        return $"{path}@{Encode(package.Version)}" + (qualifiers.Count > 0 ? "?" + string.Join('&', qualifiers.Order(StringComparer.Ordinal)) : "");
    }

    // PEP 503: lowercase, runs of -_. become one '-' (purl's pypi rule).
    private static string NormalizePythonName(string name)
    {
        var normalized = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            var separator = c is '-' or '_' or '.';
            if (!separator)
            {
                normalized.Append(c);
            }
            else if (normalized.Length > 0 && normalized[^1] != '-')
            {
                normalized.Append('-');
            }
        }

        return normalized.ToString();
    }

    private static string Manager(PackageKind kind) => kind switch
    {
        PackageKind.Deb => "dpkg",
        PackageKind.Rpm => "rpm",
        _ => "python",
    };

    private static JsonArray? Licenses(Package package)
    {
        if (package.LicenseExpression is { } expression)
        {
            return new JsonArray(new JsonObject { ["expression"] = expression });
        }

        return package.Licenses is { Count: > 0 } names
            ? new JsonArray([.. names.Select(name => (JsonNode)new JsonObject { ["license"] = new JsonObject { ["name"] = name } })])
            : null;
    }

    private static string Encode(string value)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~')
            {
                encoded.Append(c);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    /// <summary>
    /// The component that names the image's Python at <paramref name="version"/> (major.minor): a package python3.X,
    /// python3 or python whose version starts with X.Y; null when the SBOM has none.
    /// </summary>
    public static JsonNode? FindPython(JsonNode bom, string version)
    {
        var majorMinor = string.Join('.', version.Split('.').Take(2));
        var names = new[] { "python" + majorMinor, "python3", "python" };
        return bom["components"]?.AsArray().FirstOrDefault(c =>
            c?["name"]?.GetValue<string>() is { } name && names.Contains(name, StringComparer.Ordinal)
            && c["version"]?.GetValue<string>() is { } v && (v == majorMinor || StripEpoch(v).StartsWith(majorMinor + ".", StringComparison.Ordinal)));
    }

    private static string StripEpoch(string version) => version.IndexOf(':') is var colon and > 0 ? version[(colon + 1)..] : version;
}
