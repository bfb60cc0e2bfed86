using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>
/// The program users get from ./build.sh (the composite build, which tests/run.sh makes first): it is what the tests
/// run, everything it references loads, and LocalBatch nodes (./build.sh children in a CodeBuild-like environment,
/// which would pick the plain flavour) run while their parent program keeps its own folder.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed partial class ProgramFlavourTests
{
    private readonly List<string> _directories = [];

    [TearDown]
    public void Cleanup() => _directories.ForEach(d => Directory.Delete(d, recursive: true));

    [Test]
    public void Should_run_the_composite_program_users_get()
    {
        var (folder, flavour) = ProgramThatRuns();

        Assert.That(flavour, Does.StartWith("composite"), $"build.sh ran {folder}");
        Assert.That(Path.GetFileName(folder), Does.StartWith("composite-"));
        Assert.That(File.Exists(Path.Combine(folder, "Build.r2r.dll")), Is.True, "the composite image is missing");
    }

    [Test]
    public void Should_ship_every_assembly_the_program_and_its_references_load()
    {
        var (folder, _) = ProgramThatRuns();
        var shipped = Directory.GetFiles(folder, "*.dll")
            .Select(AssemblyOf)
            .OfType<(string Name, Version Version, string[] References)>()
            .ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);

        // Every assembly deps.json lists is there (the host puts exactly these on the load path).
        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "Build.deps.json")));
        var listed = deps.RootElement.GetProperty("targets").EnumerateObject()
            .SelectMany(t => t.Value.EnumerateObject())
            .SelectMany(l => l.Value.TryGetProperty("runtime", out var runtime) ? runtime.EnumerateObject().Select(f => Path.GetFileName(f.Name)) : [])
            .ToList();
        Assert.That(listed, Is.Not.Empty);
        Assert.That(listed.Where(f => !File.Exists(Path.Combine(folder, f))), Is.Empty, "listed in Build.deps.json, missing in " + folder);

        // Everything the program references (Cake's engine by HintPath, the packages, the framework) is shipped, at
        // least at the version it was compiled against: a self-contained folder has nothing else to load from.
        var unresolved = shipped["Build"].References.Where(reference => !Resolves(reference, shipped)).ToList();
        Assert.That(unresolved, Is.Empty, "references the program's folder cannot satisfy");
    }

    [Test]
    public void Should_write_summary_json_when_local_batch_nodes_run_build_sh_while_the_program_runs()
    {
        var directory = Directory.CreateTempSubdirectory("flavour-batch-").FullName;
        _directories.Add(directory);
        File.WriteAllText(Path.Combine(directory, "batch.yml"), $"""
            version: 0.2
            batch:
              fast-fail: false
              build-graph:
              - identifier: first
                buildspec: {directory}/node.yml
              - identifier: second
                buildspec: {directory}/node.yml
              - identifier: last
                buildspec: {directory}/node.yml
                depend-on:
                - first
                - second
            """);
        File.WriteAllText(Path.Combine(directory, "node.yml"), """
            version: 0.2
            phases:
              build:
                commands:
                - ./build.sh --description
            """);

        var batch = BuildProgram.Run(["--target=LocalBatch", $"--buildspec={directory}/batch.yml", "--registry=127.0.0.1:1", "--parallel=2", "--allow-edited-buildspec", "--isolation=process"]);

        Assert.That(batch.ExitCode, Is.EqualTo(0), batch.ToString());
        var logs = NodeLogs().Match(batch.Output);
        Assert.That(logs.Success, Is.True, batch.ToString());
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(logs.Groups[1].Value, "summary.json")));
        Assert.That(
            summary.RootElement.EnumerateArray().Select(n => (n.GetProperty("identifier").GetString(), n.GetProperty("status").GetString(), n.GetProperty("exitCode").GetInt32())),
            Is.EqualTo(new[] { ("first", "SUCCEEDED", 0), ("second", "SUCCEEDED", 0), ("last", "SUCCEEDED", 0) }));
        Assert.That(File.ReadAllText(summary.RootElement[2].GetProperty("log").GetString()!), Does.Contain("LocalBatch"), "the node ran the program");
    }

    /// <summary>The folder of the program ./build.sh runs, and its flavour, as the program logs them.</summary>
    private static (string Folder, string Flavour) ProgramThatRuns()
    {
        var result = BuildProgram.Run(["--target=CheckDockerfiles", "--verbosity=diagnostic", "--tag-suffix=t1"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var line = ProgramLine().Match(result.Output);
        Assert.That(line.Success, Is.True, "the program logs which program runs\n" + result);
        return (line.Groups[1].Value.TrimEnd('/'), line.Groups[2].Value);
    }

    private static (string Name, Version Version, string[] References)? AssemblyOf(string file)
    {
        using var stream = File.OpenRead(file);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            return null;   // the composite image itself (Build.r2r.dll) is native code only
        }

        var metadata = pe.GetMetadataReader();
        if (!metadata.IsAssembly)
        {
            return null;
        }

        var definition = metadata.GetAssemblyDefinition();
        var references = metadata.AssemblyReferences.Select(h => metadata.GetAssemblyReference(h))
            .Select(r => $"{metadata.GetString(r.Name)}, Version={r.Version}")
            .ToArray();
        return (metadata.GetString(definition.Name), definition.Version, references);
    }

    private static bool Resolves(string reference, Dictionary<string, (string Name, Version Version, string[] References)> shipped)
    {
        var name = new System.Reflection.AssemblyName(reference);
        return shipped.TryGetValue(name.Name!, out var found) && found.Version >= (name.Version ?? new Version());
    }

    [GeneratedRegex(@"Build program (\S+) \(([^)]*)\)")]
    private static partial Regex ProgramLine();

    [GeneratedRegex(@"node logs in (\S+)")]
    private static partial Regex NodeLogs();
}
