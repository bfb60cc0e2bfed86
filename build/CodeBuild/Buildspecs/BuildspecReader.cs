using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Build.CodeBuild.Buildspecs;

/// <summary>A batch buildspec as read from a file: its graph (each node with its line) and what was wrong in it.</summary>
public sealed record ParsedBatch(string File, bool FastFail, IReadOnlyList<BuildGraphNode> Nodes, int GraphLine, IReadOnlyList<BuildspecProblem> Problems)
{
    /// <summary>False when the file is missing or is no YAML mapping: then its problems say so, and nothing else can be checked.</summary>
    public bool Readable { get; init; } = true;
}

/// <summary>A node's buildspec as read from a file: its commands in phase order, and what was wrong in it.</summary>
public sealed record ParsedNodeBuildspec(string File, NodeBuildspec Buildspec, IReadOnlyList<BuildspecProblem> Problems);

/// <summary>
/// Reads buildspecs through YamlDotNet's representation model, which keeps every node's line, so that each problem
/// names the file, the line and the build-graph node. Keys CodeBuild does not know are reported, not ignored.
/// </summary>
public static partial class BuildspecReader
{
    private static readonly string[] TopLevelKeys = ["version", "run-as", "env", "proxy", "batch", "phases", "reports", "artifacts", "cache"];
    private static readonly string[] BatchKeys = ["fast-fail", "build-graph", "build-list", "build-matrix"];
    private static readonly string[] NodeKeys = ["identifier", "buildspec", "depend-on", "ignore-failure", "debug-session", "env"];
    private static readonly string[] NodeEnvKeys = ["type", "image", "compute-type", "privileged-mode", "variables", "fleet"];
    private static readonly string[] PhaseKeys = ["run-as", "on-failure", "runtime-versions", "commands", "finally"];
    private static readonly string[] CacheKeys = ["key", "fallback-keys", "action", "paths"];

    public static ParsedBatch ReadBatch(string path, string displayName)
    {
        var problems = new List<BuildspecProblem>();
        var nodes = new List<BuildGraphNode>();
        var root = Load(path, displayName, problems);
        if (root is null)
        {
            return new ParsedBatch(displayName, false, nodes, 0, problems) { Readable = false };
        }

        CheckKeys(root, TopLevelKeys, displayName, null, "a buildspec", problems);
        var batch = Child(root, "batch") as YamlMappingNode;
        if (batch is null)
        {
            problems.Add(new(displayName, Line(root), null, "has no 'batch:' section; a batch buildspec needs 'batch: build-graph:'"));
            return new ParsedBatch(displayName, false, nodes, Line(root), problems);
        }

        CheckKeys(batch, BatchKeys, displayName, null, "'batch:'", problems);
        var fastFail = Child(batch, "fast-fail") is YamlScalarNode fast && ReadBool(fast, displayName, null, "fast-fail", problems);
        var graph = Child(batch, "build-graph");
        if (graph is not YamlSequenceNode sequence)
        {
            problems.Add(new(displayName, Line(graph ?? batch), null, "'batch:' needs 'build-graph:', a list of nodes"));
            return new ParsedBatch(displayName, fastFail, nodes, Line(batch), problems);
        }

        foreach (var item in sequence.Children)
        {
            if (item is not YamlMappingNode mapping)
            {
                problems.Add(new(displayName, Line(item), null, "a build-graph entry must be a mapping with 'identifier:'"));
                continue;
            }

            nodes.Add(ReadNode(mapping, displayName, problems));
        }

        return new ParsedBatch(displayName, fastFail, nodes, Line(sequence), problems);
    }

    public static ParsedNodeBuildspec ReadNode(string path, string displayName)
    {
        var problems = new List<BuildspecProblem>();
        var buildspec = new NodeBuildspec();
        var root = Load(path, displayName, problems);
        if (root is null)
        {
            return new ParsedNodeBuildspec(displayName, buildspec, problems);
        }

        CheckKeys(root, TopLevelKeys, displayName, null, "a buildspec", problems);
        if (Child(root, "phases") is not YamlMappingNode phases)
        {
            problems.Add(new(displayName, Line(root), null, "has no 'phases:'; a node's buildspec needs at least 'phases: build: commands:'"));
            return new ParsedNodeBuildspec(displayName, buildspec, problems);
        }

        CheckKeys(phases, NodeBuildspec.PhaseOrder, displayName, null, "'phases:'", problems);
        foreach (var (key, value) in phases.Children)
        {
            if (key is not YamlScalarNode { Value: { } name } || !NodeBuildspec.PhaseOrder.Contains(name) || value is not YamlMappingNode phase)
            {
                continue;
            }

            CheckKeys(phase, PhaseKeys, displayName, null, $"phase '{name}'", problems);
            var commands = Child(phase, "commands") is YamlSequenceNode list
                ? list.Children.OfType<YamlScalarNode>().Select(c => c.Value ?? string.Empty).ToList()
                : [];
            buildspec.Phases[name] = new BuildPhase { Commands = commands };
        }

        buildspec.Cache = ReadCache(root, displayName, problems);
        return new ParsedNodeBuildspec(displayName, buildspec, problems);
    }

    private static BuildCache? ReadCache(YamlMappingNode root, string file, List<BuildspecProblem> problems)
    {
        switch (Child(root, "cache"))
        {
            case null:
                return null;
            case YamlMappingNode cache:
                CheckKeys(cache, CacheKeys, file, null, "'cache:'", problems);
                var result = new BuildCache { Key = (Child(cache, "key") as YamlScalarNode)?.Value, Line = Line(cache) };
                if (Child(cache, "fallback-keys") is YamlSequenceNode fallbacks)
                {
                    result.FallbackKeys = fallbacks.Children.OfType<YamlScalarNode>().Select(k => k.Value ?? string.Empty).ToList();
                }

                switch (Child(cache, "paths"))
                {
                    case YamlSequenceNode paths:
                        result.Paths = paths.Children.OfType<YamlScalarNode>().Select(p => p.Value ?? string.Empty).ToList();
                        break;
                    case { } other:
                        problems.Add(new(file, Line(other), null, "'cache: paths:' must be a list of paths"));
                        break;
                    default:
                        problems.Add(new(file, Line(cache), null, "'cache:' needs 'paths:', the list of paths CodeBuild saves and restores"));
                        break;
                }

                return result;
            case var other:
                problems.Add(new(file, Line(other), null, "'cache:' must be a mapping with 'paths:'"));
                return null;
        }
    }

    private static BuildGraphNode ReadNode(YamlMappingNode mapping, string file, List<BuildspecProblem> problems)
    {
        var node = new BuildGraphNode { Line = Line(mapping) };
        var identifier = Child(mapping, "identifier") as YamlScalarNode;
        node.Identifier = identifier?.Value ?? string.Empty;
        var name = identifier is null ? null : node.Identifier;
        if (identifier is null)
        {
            problems.Add(new(file, node.Line, null, "a build-graph node needs 'identifier:'"));
        }
        else if (!IdentifierPattern().IsMatch(node.Identifier))
        {
            problems.Add(new(file, Line(identifier), name,
                "the identifier must use letters, digits and underscores only, under 128 characters (CodeBuild rejects hyphens and dots): " +
                $"e.g. '{Regex.Replace(node.Identifier, "[^A-Za-z0-9_]", "_")}'"));
        }

        CheckKeys(mapping, NodeKeys, file, name, "a build-graph node", problems);
        node.Buildspec = (Child(mapping, "buildspec") as YamlScalarNode)?.Value;
        node.Line = identifier is null ? node.Line : Line(identifier);

        switch (Child(mapping, "depend-on"))
        {
            case YamlSequenceNode dependOn:
                node.DependOn = dependOn.Children.OfType<YamlScalarNode>().Select(d => d.Value ?? string.Empty).ToList();
                break;
            case { } other:
                problems.Add(new(file, Line(other), name, "'depend-on:' must be a list of node identifiers"));
                break;
        }

        if (Child(mapping, "ignore-failure") is YamlScalarNode ignore)
        {
            node.IgnoreFailure = ReadBool(ignore, file, name, "ignore-failure", problems);
        }

        if (Child(mapping, "env") is YamlMappingNode env)
        {
            CheckKeys(env, NodeEnvKeys, file, name, "a node's 'env:'", problems);
            node.Env.Type = (Child(env, "type") as YamlScalarNode)?.Value;
            node.Env.Image = (Child(env, "image") as YamlScalarNode)?.Value;
            node.Env.ComputeType = (Child(env, "compute-type") as YamlScalarNode)?.Value;
            if (Child(env, "privileged-mode") is YamlScalarNode privileged)
            {
                node.Env.PrivilegedMode = ReadBool(privileged, file, name, "privileged-mode", problems);
            }

            if (Child(env, "variables") is YamlMappingNode variables)
            {
                node.Env.Variables = ReadVariables(variables, file, name, problems);
            }
        }

        return node;
    }

    private static Dictionary<string, string> ReadVariables(YamlMappingNode variables, string file, string? node, List<BuildspecProblem> problems)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in variables.Children)
        {
            if (key is not YamlScalarNode { Value: { } name } || value is not YamlScalarNode scalar)
            {
                problems.Add(new(file, Line(key), node, "variables must be NAME: value pairs"));
                continue;
            }

            // YAML reads a plain 3.10 as the number 3.1: a version must be quoted to stay what the matrix says.
            if (scalar.Style == ScalarStyle.Plain && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                problems.Add(new(file, Line(scalar), node, $"variable {name}: {scalar.Value} is a YAML number (3.10 would become 3.1): quote it, {name}: \"{scalar.Value}\""));
            }

            result[name] = scalar.Value ?? string.Empty;
        }

        return result;
    }

    private static YamlMappingNode? Load(string path, string file, List<BuildspecProblem> problems)
    {
        if (!File.Exists(path))
        {
            problems.Add(new(file, 0, null, $"does not exist (looked for {path})"));
            return null;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(File.ReadAllText(path)));
        }
        catch (YamlException ex)
        {
            problems.Add(new(file, (int)ex.Start.Line, null, $"is not valid YAML: {ex.InnerException?.Message ?? ex.Message}"));
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            problems.Add(new(file, 1, null, "must be a YAML mapping with 'version:'"));
            return null;
        }

        return root;
    }

    private static void CheckKeys(YamlMappingNode mapping, string[] known, string file, string? node, string where, List<BuildspecProblem> problems)
    {
        foreach (var key in mapping.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? key.ToString();
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                problems.Add(new(file, Line(key), node, $"unknown key '{name}' in {where}; CodeBuild knows {string.Join(", ", known)}"));
            }
        }
    }

    private static bool ReadBool(YamlScalarNode scalar, string file, string? node, string key, List<BuildspecProblem> problems)
    {
        switch (scalar.Value)
        {
            case "true" or "True" or "TRUE" or "yes":
                return true;
            case "false" or "False" or "FALSE" or "no":
                return false;
            default:
                problems.Add(new(file, Line(scalar), node, $"'{key}:' must be true or false, not '{scalar.Value}'"));
                return false;
        }
    }

    private static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static int Line(YamlNode node) => (int)node.Start.Line;

    [GeneratedRegex("^[A-Za-z0-9_]{1,127}$")]
    private static partial Regex IdentifierPattern();
}
