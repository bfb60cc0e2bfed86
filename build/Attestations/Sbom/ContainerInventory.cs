namespace Build.Attestations.Sbom;

/// <summary>
/// The package inventory read inside a running image (TestImage's container, no network): os-release, dpkg's status
/// and copyright licences, <c>rpm -qa</c> where rpm exists, and Python's installed distributions (importlib.metadata).
/// A POSIX sh fragment whose sections start with "@@name" lines; it never fails the run.
/// </summary>
public static class ContainerInventory
{
    public const string Marker = "@@";

    // The Python one-liner may hold no single quote (it sits in sh '...') and no backslash (it crosses docker's argument quoting).
    private const string Pip =
        "import json; from importlib import metadata as m; " +
        "[print(json.dumps({\"name\": d.metadata.get(\"Name\"), \"version\": d.metadata.get(\"Version\"), " +
        "\"license_expression\": d.metadata.get(\"License-Expression\"), \"license\": d.metadata.get(\"License\"), " +
        "\"classifiers\": [c for c in (d.metadata.get_all(\"Classifier\") or []) if c.startswith(\"License ::\")]})) for d in m.distributions()]";

    public const string Script =
        "echo '@@os-release'; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null; " +
        "echo '@@dpkg'; cat /var/lib/dpkg/status 2>/dev/null; " +
        "for f in /var/lib/dpkg/status.d/*; do [ -f \"$f\" ] && { cat \"$f\"; echo; }; done; " +
        "echo '@@dpkg-licenses'; grep -s -H '^License:' /usr/share/doc/*/copyright; " +
        "echo '@@rpm'; command -v rpm >/dev/null 2>&1 && rpm -qa --qf '%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{LICENSE}\\n' 2>/dev/null; " +
        "echo '@@pip'; python -c '" + Pip + "' 2>/dev/null; " +
        "echo '@@end'";

    /// <summary>The inventory from the script's output; null when the output has no inventory sections.</summary>
    public static PackageInventory? Parse(IReadOnlyList<string> output)
    {
        var sections = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        foreach (var line in output)
        {
            if (line.StartsWith(Marker, StringComparison.Ordinal) && line.Length > Marker.Length && !line.Contains(' ', StringComparison.Ordinal))
            {
                current = sections[line[Marker.Length..]] = [];
                continue;
            }

            current?.Add(line);
        }

        if (!sections.ContainsKey("end"))
        {
            return null;
        }

        var licenses = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var group in Section(sections, "dpkg-licenses").Select(ParseLicenseLine).Where(l => l is not null).GroupBy(l => l!.Value.Package))
        {
            licenses[group.Key] = [.. group.Select(l => l!.Value.License).Distinct(StringComparer.Ordinal)];
        }

        var packages = new List<Package>();
        packages.AddRange(PackageDatabases.Dpkg(string.Join('\n', Section(sections, "dpkg")), licenses));
        packages.AddRange(PackageDatabases.Rpm(Section(sections, "rpm")));
        packages.AddRange(Section(sections, "pip").Select(PackageDatabases.PythonJson).OfType<Package>());
        var gaps = new List<string>();
        if (Section(sections, "pip").Count == 0)
        {
            gaps.Add("no Python distributions listed (python without importlib.metadata, before 3.8?)");
        }

        return new PackageInventory(OsRelease.Parse(string.Join('\n', Section(sections, "os-release"))), packages, gaps,
            "read in the running image: dpkg status, rpm -qa, importlib.metadata");
    }

    private static List<string> Section(Dictionary<string, List<string>> sections, string name) => sections.GetValueOrDefault(name) ?? [];

    // "/usr/share/doc/<package>/copyright:License: GPL-2+"
    private static (string Package, string License)? ParseLicenseLine(string line)
    {
        const string prefix = "/usr/share/doc/";
        const string separator = "/copyright:License:";
        var at = line.IndexOf(separator, StringComparison.Ordinal);
        if (!line.StartsWith(prefix, StringComparison.Ordinal) || at < prefix.Length)
        {
            return null;
        }

        var license = line[(at + separator.Length)..].Trim();
        return license.Length is > 0 and <= 200 ? (line[prefix.Length..at], license) : null;
    }
}
