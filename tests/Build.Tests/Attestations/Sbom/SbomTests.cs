using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Build.Attestations.Sbom;

namespace Build.Tests.Attestations.Sbom;

public sealed class SbomTests
{
    private const string Status = """
        Package: python3.11
        Status: install ok installed
        Architecture: amd64
        Version: 3.11.2-6+deb12u5
        Description: Interactive high-level object-oriented language
         Python is a high-level language.

        Package: removed-one
        Status: deinstall ok config-files
        Architecture: amd64
        Version: 1.0

        Package: util-linux
        Status: install ok installed
        Architecture: amd64
        Version: 1:2.38.1-5+deb12u1

        """;

    [Test]
    public void Should_list_installed_dpkg_packages_with_versions_and_licences()
    {
        var packages = PackageDatabases.Dpkg(Status, new Dictionary<string, IReadOnlyList<string>> { ["python3.11"] = ["PSF-2.0", "GPL-2+"] }).ToList();

        Assert.That(packages.Select(p => $"{p.Name} {p.Version} {p.Architecture}"), Is.EqualTo(new[] { "python3.11 3.11.2-6+deb12u5 amd64", "util-linux 1:2.38.1-5+deb12u1 amd64" }));
        Assert.That(packages[0].Licenses, Is.EqualTo(new[] { "PSF-2.0", "GPL-2+" }));
        Assert.That(packages[1].Epoch, Is.EqualTo("1"));
    }

    [Test]
    public void Should_take_the_licence_names_of_a_debian_copyright_file() =>
        Assert.That(PackageDatabases.DebianCopyrightLicenses("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+\n\nFiles: a/*\nLicense: Expat\n Permission is hereby granted\n\nLicense: GPL-2+\n"),
            Is.EqualTo(new[] { "GPL-2+", "Expat" }));

    [Test]
    public void Should_read_rpm_query_lines_without_the_gpg_keys()
    {
        var packages = PackageDatabases.Rpm(["python3.11\t(none)\t3.11.6\t1.amzn2023.0.3\tx86_64\tPython-2.0.1", "gpg-pubkey\t(none)\td832f30f\t5e8e6a5d\t(none)\tpubkey", "bash\t0\t5.2.15\t1.amzn2023.0.2\tx86_64\tGPL-3.0-or-later"]).ToList();

        Assert.That(packages.Select(p => $"{p.Name} {p.Version} {p.Epoch}"), Is.EqualTo(new[] { "python3.11 3.11.6-1.amzn2023.0.3 ", "bash 5.2.15-1.amzn2023.0.2 0" }));
        Assert.That(packages[0].Licenses, Is.EqualTo(new[] { "Python-2.0.1" }));
    }

    [Test]
    public void Should_read_python_metadata_preferring_an_expression_then_a_short_licence_then_classifiers()
    {
        var expression = PackageDatabases.PythonMetadata("Metadata-Version: 2.4\nName: Packaging_Tools\nVersion: 1.0\nLicense-Expression: Apache-2.0 OR BSD-2-Clause\n\nbody")!;
        var classifier = PackageDatabases.PythonMetadata("Metadata-Version: 2.1\nName: pip\nVersion: 23.0.1\nLicense: Copyright (c) 2008\n  Permission is hereby granted, free of charge\nClassifier: License :: OSI Approved :: MIT License\n")!;

        Assert.That(expression.LicenseExpression, Is.EqualTo("Apache-2.0 OR BSD-2-Clause"));
        Assert.That(classifier.Licenses, Is.EqualTo(new[] { "MIT License" }));
        Assert.That(CycloneDx.Purl(expression, null), Is.EqualTo("pkg:pypi/packaging-tools@1.0"));
    }

    [Test]
    public void Should_parse_what_the_container_printed_after_the_smoke_test()
    {
        var output = new List<string> { "python_status=0", "python=Python 3.11.2", "@@os-release", "ID=debian", "VERSION_ID=\"12\"", "@@dpkg" };
        output.AddRange(Status.Split('\n'));
        output.AddRange(["@@dpkg-licenses", "/usr/share/doc/python3.11/copyright:License: PSF-2.0", "@@rpm", "@@pip",
            """{"name": "pip", "version": "23.0.1", "license_expression": null, "license": "MIT", "classifiers": []}""", "@@end"]);

        var inventory = ContainerInventory.Parse(output)!;

        Assert.That(inventory.Os!.Distro, Is.EqualTo("debian-12"));
        Assert.That(inventory.Packages.Select(p => $"{p.Kind} {p.Name}"), Is.EqualTo(new[] { "Deb python3.11", "Deb util-linux", "Pypi pip" }));
        Assert.That(inventory.Packages[0].Licenses, Is.EqualTo(new[] { "PSF-2.0" }));
        Assert.That(inventory.Gaps, Is.Empty);
        Assert.That(ContainerInventory.Parse(["python_status=0"]), Is.Null, "no inventory without its sections");
    }

    [Test]
    public void Should_write_deb_rpm_and_pypi_purls_with_arch_and_distro()
    {
        var debian = new OsRelease("debian", "12", null);

        Assert.That(CycloneDx.Purl(new Package(PackageKind.Deb, "python3.11", "3.11.2-6+deb12u5", "amd64"), debian),
            Is.EqualTo("pkg:deb/debian/python3.11@3.11.2-6%2Bdeb12u5?arch=amd64&distro=debian-12"));
        Assert.That(CycloneDx.Purl(new Package(PackageKind.Rpm, "bash", "5.2.15-1.amzn2023", "x86_64", Epoch: "0"), new OsRelease("amzn", "2023", null)),
            Is.EqualTo("pkg:rpm/amzn/bash@5.2.15-1.amzn2023?arch=x86_64&distro=amzn-2023&epoch=0"));
    }

    [Test]
    public void Should_write_cyclonedx_1_5_and_find_the_python_of_the_matrix_version()
    {
        var inventory = new PackageInventory(new OsRelease("debian", "12", "Debian 12"),
            [new Package(PackageKind.Deb, "python3.11", "3.11.2-6", "amd64", ["PSF-2.0"]), new Package(PackageKind.Pypi, "pip", "23.0.1", LicenseExpression: "MIT")],
            ["the rpm database is not read"], "test");

        var bom = CycloneDx.Create(inventory, "r/python", "sha256:" + new string('a', 64), "tool", DateTimeOffset.UnixEpoch);

        Assert.That(bom["bomFormat"]!.GetValue<string>(), Is.EqualTo("CycloneDX"));
        Assert.That(bom["specVersion"]!.GetValue<string>(), Is.EqualTo("1.5"));
        Assert.That(bom["metadata"]!["component"]!["version"]!.GetValue<string>(), Is.EqualTo("sha256:" + new string('a', 64)));
        Assert.That(bom["compositions"]![0]!["aggregate"]!.GetValue<string>(), Is.EqualTo("incomplete"), "a gap is stated, not hidden");
        Assert.That(CycloneDx.FindPython(bom, "3.11")?["name"]?.GetValue<string>(), Is.EqualTo("python3.11"));
        Assert.That(CycloneDx.FindPython(bom, "3.12"), Is.Null);
        Assert.That(bom["components"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "pip")!["licenses"]![0]!["expression"]!.GetValue<string>(), Is.EqualTo("MIT"));
    }

    [Test]
    public async Task Should_read_packages_from_layers_applying_later_layers_and_whiteouts()
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        await LayerInventory.ApplyLayerAsync(Layer(gzip: true,
            ("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n", null),
            ("var/lib/dpkg/status", Status, null),
            ("usr/share/doc/python3.11/copyright", "License: PSF-2.0\n", null),
            ("usr/share/doc/util-linux", null, "python3.11"),
            ("usr/lib/python3/dist-packages/pip-23.0.1.dist-info/METADATA", "Name: pip\nVersion: 23.0.1\nLicense: MIT\n", null),
            ("usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA", "Name: six\nVersion: 1.16.0\n", null)), files, links);
        await LayerInventory.ApplyLayerAsync(Layer(gzip: false,
            ("usr/lib/python3/dist-packages/.wh.six-1.16.0.dist-info", "", null),
            ("usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA", "Name: requests\nVersion: 2.31.0\nLicense-Expression: Apache-2.0\n", null),
            ("var/lib/rpm/rpmdb.sqlite", "not read", null)), files, links);

        var inventory = LayerInventory.Inventory(files, links, []);

        Assert.That(inventory.Os!.Distro, Is.EqualTo("debian-12"));
        Assert.That(inventory.Packages.Select(p => $"{p.Name} {p.Version}"), Is.EqualTo(new[] { "python3.11 3.11.2-6+deb12u5", "util-linux 1:2.38.1-5+deb12u1", "pip 23.0.1", "requests 2.31.0" }));
        Assert.That(inventory.Packages[1].Licenses, Is.EqualTo(new[] { "PSF-2.0" }), "a doc folder linked to another package's takes its licences");
        Assert.That(inventory.Gaps, Has.One.Contains("rpm database"));
    }

    private static MemoryStream Layer(bool gzip, params (string Name, string? Content, string? LinkTo)[] entries)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content, link) in entries)
            {
                var entry = link is null
                    ? new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content!)) }
                    : new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = link };
                writer.WriteEntry(entry);
            }
        }

        if (!gzip)
        {
            tar.Position = 0;
            return tar;
        }

        var compressed = new MemoryStream();
        using (var zip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(tar.ToArray());
        }

        compressed.Position = 0;
        return compressed;
    }
}
