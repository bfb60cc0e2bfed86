using System.Text.Json;

namespace Build.Attestations.Sbom;

/// <summary>The package databases an SBOM reads: dpkg's status file, Debian copyright files, rpm -qa, Python metadata.</summary>
public static class PackageDatabases
{
    /// <summary>Installed packages of a dpkg status file (or a status.d fragment); licences by package from copyright files.</summary>
    public static IEnumerable<Package> Dpkg(string status, IReadOnlyDictionary<string, IReadOnlyList<string>> licenses)
    {
        foreach (var stanza in Stanzas(status))
        {
            if (!stanza.TryGetValue("Package", out var name) || !stanza.TryGetValue("Version", out var version))
            {
                continue;
            }

            // Only what is installed: "install ok installed" (status.d fragments of distroless images have no Status).
            if (stanza.TryGetValue("Status", out var state) && !state.EndsWith(" installed", StringComparison.Ordinal))
            {
                continue;
            }

            var epoch = version.IndexOf(':') is var colon and > 0 ? version[..colon] : null;
            yield return new Package(PackageKind.Deb, name, version, stanza.GetValueOrDefault("Architecture"), licenses.GetValueOrDefault(name), Epoch: epoch);
        }
    }

    /// <summary>The distinct "License:" short names of a Debian copyright file (DEP-5), in order of appearance.</summary>
    public static IReadOnlyList<string> DebianCopyrightLicenses(string text) =>
        [.. text.Split('\n')
            .Where(l => l.StartsWith("License:", StringComparison.Ordinal))
            .Select(l => l["License:".Length..].Trim())
            .Where(l => l.Length is > 0 and <= 200)
            .Distinct(StringComparer.Ordinal)];

    /// <summary>Lines of <c>rpm -qa --qf '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{LICENSE}\n'</c>.</summary>
    public static IEnumerable<Package> Rpm(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            var fields = line.Split('\t');
            if (fields.Length < 6 || fields[0] is "" or "gpg-pubkey")
            {
                continue;
            }

            var epoch = fields[1] is "(none)" or "" ? null : fields[1];
            yield return new Package(PackageKind.Rpm, fields[0], $"{fields[2]}-{fields[3]}", fields[4], fields[5] is "" or "(none)" ? null : [fields[5]], Epoch: epoch);
        }
    }

    /// <summary>A distribution's METADATA or PKG-INFO headers (RFC 822 style, up to the first blank line).</summary>
    public static Package? PythonMetadata(string text)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Length == 0)
            {
                break;
            }

            if ((trimmed[0] == ' ' || trimmed[0] == '\t') && headers.Count > 0)
            {
                headers[^1] = new(headers[^1].Key, headers[^1].Value + "\n" + trimmed.Trim());
                continue;
            }

            var colon = trimmed.IndexOf(':');
            if (colon > 0)
            {
                headers.Add(new(trimmed[..colon], trimmed[(colon + 1)..].Trim()));
            }
        }

        string? Header(string name) => headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
        return Python(Header("Name"), Header("Version"), Header("License-Expression"), Header("License"),
            headers.Where(h => h.Key.Equals("Classifier", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value));
    }

    /// <summary>One JSON line the container's Python printed: name, version, license_expression, license, classifiers.</summary>
    public static Package? PythonJson(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var classifiers = root.TryGetProperty("classifiers", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(c => c.GetString() ?? "")
                : [];
            return Python(Text("name"), Text("version"), Text("license_expression"), Text("license"), classifiers);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Package? Python(string? name, string? version, string? expression, string? license, IEnumerable<string> classifiers)
    {
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(version))
        {
            return null;
        }

        // License is free text (sometimes the whole licence): keep a short one-line name only; else the trove classifiers.
        var names = license is { Length: > 0 and <= 100 } && !license.Contains('\n') && license != "UNKNOWN"
            ? [license]
            : classifiers.Where(c => c.StartsWith("License ::", StringComparison.Ordinal))
                .Select(c => c.Split("::").Last().Trim())
                .Where(c => c.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .ToList();
        return new Package(PackageKind.Pypi, name.Trim(), version.Trim(), Licenses: names.Count > 0 ? names : null,
            LicenseExpression: string.IsNullOrWhiteSpace(expression) ? null : expression.Trim());
    }

    private static IEnumerable<Dictionary<string, string>> Stanzas(string text)
    {
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        string? last = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                if (current.Count > 0)
                {
                    yield return current;
                }

                current = new Dictionary<string, string>(StringComparer.Ordinal);
                last = null;
                continue;
            }

            if (line[0] is ' ' or '\t')
            {
                if (last is not null)
                {
                    current[last] += "\n" + line.Trim();
                }

                continue;
            }

            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                last = line[..colon];
                current[last] = line[(colon + 1)..].Trim();
            }
        }

        if (current.Count > 0)
        {
            yield return current;
        }
    }
}
