using YamlDotNet.Serialization;

namespace Build.CodeBuild.Buildspecs;

/// <summary>
/// A CodeBuild batch buildspec (<c>version: 0.2</c> with a <c>batch: build-graph</c>), as written to
/// buildspecs/batch.yml. Member order is the order written; null members are left out.
/// </summary>
public sealed class BatchBuildspec
{
    [YamlMember(Alias = "version", Order = 0)]
    public double Version { get; set; } = 0.2;

    [YamlMember(Alias = "batch", Order = 1)]
    public BatchSection Batch { get; set; } = new();
}

public sealed class BatchSection
{
    [YamlMember(Alias = "fast-fail")]
    public bool FastFail { get; set; }

    [YamlMember(Alias = "build-graph")]
    public List<BuildGraphNode> BuildGraph { get; set; } = [];
}

/// <summary>One build of the batch. <see cref="Line"/> is where a parsed node starts (0 for a generated one).</summary>
public sealed class BuildGraphNode
{
    [YamlMember(Alias = "identifier", Order = 0)]
    public string Identifier { get; set; } = string.Empty;

    [YamlMember(Alias = "buildspec", Order = 1)]
    public string? Buildspec { get; set; }

    [YamlMember(Alias = "depend-on", Order = 2)]
    public List<string>? DependOn { get; set; }

    [YamlMember(Alias = "ignore-failure", Order = 3)]
    public bool? IgnoreFailure { get; set; }

    [YamlMember(Alias = "env", Order = 4)]
    public NodeEnvironment Env { get; set; } = new();

    [YamlIgnore]
    public int Line { get; set; }

    [YamlIgnore]
    public IReadOnlyList<string> Dependencies => DependOn ?? [];

    [YamlIgnore]
    public IReadOnlyDictionary<string, string> Variables => Env.Variables ?? [];

    public override string ToString() => Identifier;
}

public sealed class NodeEnvironment
{
    [YamlMember(Alias = "type", Order = 0)]
    public string? Type { get; set; }

    [YamlMember(Alias = "image", Order = 1)]
    public string? Image { get; set; }

    [YamlMember(Alias = "compute-type", Order = 2)]
    public string? ComputeType { get; set; }

    [YamlMember(Alias = "privileged-mode", Order = 3)]
    public bool? PrivilegedMode { get; set; }

    [YamlMember(Alias = "variables", Order = 4)]
    public Dictionary<string, string>? Variables { get; set; }
}

/// <summary>The buildspec a node runs (buildspecs/build.yml, buildspecs/manifest.yml): only the phases' commands.</summary>
public sealed class NodeBuildspec
{
    [YamlMember(Alias = "version", Order = 0)]
    public double Version { get; set; } = 0.2;

    [YamlMember(Alias = "phases", Order = 1)]
    public Dictionary<string, BuildPhase> Phases { get; set; } = [];

    /// <summary>CodeBuild's cache (<see cref="NodeCache"/>); null when the file declares none.</summary>
    [YamlMember(Alias = "cache", Order = 2)]
    public BuildCache? Cache { get; set; }

    /// <summary>CodeBuild's phase order; a phase fails the build and skips those after it (post_build aside).</summary>
    public static readonly string[] PhaseOrder = ["install", "pre_build", "build", "post_build"];

    [YamlIgnore]
    public IEnumerable<string> Commands => PhaseOrder.Where(Phases.ContainsKey).SelectMany(p => Phases[p].Commands);
}

public sealed class BuildPhase
{
    [YamlMember(Alias = "commands")]
    public List<string> Commands { get; set; } = [];
}

/// <summary>A buildspec's <c>cache:</c> section: the paths CodeBuild saves after the build and restores before the next.</summary>
public sealed class BuildCache
{
    [YamlMember(Alias = "key", Order = 0)]
    public string? Key { get; set; }

    [YamlMember(Alias = "fallback-keys", Order = 1)]
    public List<string>? FallbackKeys { get; set; }

    [YamlMember(Alias = "paths", Order = 2)]
    public List<string> Paths { get; set; } = [];

    /// <summary>Where a parsed section starts (0 for a generated one).</summary>
    [YamlIgnore]
    public int Line { get; set; }
}
