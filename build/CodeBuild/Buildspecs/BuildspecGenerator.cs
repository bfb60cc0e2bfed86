using System.Text;
using Build.Images;
using Cake.Core;
using YamlDotNet.Serialization;

namespace Build.CodeBuild.Buildspecs;

/// <summary>
/// Writes the batch buildspec from the image matrix: one build node per (arch, version) (or per arch), manifest nodes
/// per version (or one), every node running the same ./build.sh command with its own ARCH/VERSION variables.
/// </summary>
public static class BuildspecGenerator
{
    public const string BuildTarget = BatchCommandLine.BuildTarget;
    public const string ManifestTarget = BatchCommandLine.ManifestTarget;

    /// <param name="matrix">The image matrix.</param>
    /// <param name="layout">The graph's shape.</param>
    /// <param name="buildspecFolder">The folder as node <c>buildspec:</c> paths name it (relative to the source root).</param>
    /// <param name="matrixArgument">The matrix path as nodes pass it to --matrix; null for the default matrix.</param>
    public static IReadOnlyList<GeneratedFile> Generate(ImageMatrix matrix, BuildspecLayout layout, string buildspecFolder, string? matrixArgument)
    {
        var header = Header(layout, matrixArgument);
        var batch = new BatchBuildspec { Batch = { FastFail = false, BuildGraph = Graph(matrix, layout, buildspecFolder).ToList() } };
        return
        [
            new GeneratedFile(BuildspecFiles.Batch, header + Serialize(batch)),
            new GeneratedFile(BuildspecFiles.BuildNode, header + Serialize(NodeBuildspecFor(BuildTarget, matrixArgument))),
            new GeneratedFile(BuildspecFiles.ManifestNode, header + Serialize(NodeBuildspecFor(ManifestTarget, matrixArgument))),
        ];
    }

    /// <summary>
    /// The one command every node runs; the node's variables (ARCH, VERSION) choose what it does. It runs in a shell:
    /// $REGISTRY is double-quoted (one argument, whatever the project sets) and the matrix path single-quoted.
    /// </summary>
    public static string Command(string target, string? matrixArgument)
    {
        var command = $"./build.sh --target={target} --registry=\"$REGISTRY\" --use-date";
        return matrixArgument is null ? command : $"{command} --{BatchCommandLine.MatrixArgument}={ShellQuote(matrixArgument)}";
    }

    /// <summary>The text as one shell word, taken literally: single quotes, each ' written as '\''.</summary>
    public static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A node identifier from its parts: CodeBuild takes letters, digits and underscores only.</summary>
    public static string VersionPart(string version) => "py" + new string(version.Where(char.IsAsciiLetterOrDigit).ToArray());

    public static string BuildNodeIdentifier(Architecture architecture, string version) => $"{architecture.Name}_{VersionPart(version)}";

    public static string ManifestNodeIdentifier(string? version) => version is null ? "manifest" : $"manifest_{VersionPart(version)}";

    private static IEnumerable<BuildGraphNode> Graph(ImageMatrix matrix, BuildspecLayout layout, string folder)
    {
        ThrowOnIdentifierClash(matrix);
        var buildspec = $"{folder}/{BuildspecFiles.BuildNode}";
        var manifestBuildspec = $"{folder}/{BuildspecFiles.ManifestNode}";

        // Build nodes, and for each version the nodes that build its images.
        var builders = matrix.Images.ToDictionary(e => e.Version, _ => new List<string>(), StringComparer.Ordinal);
        var buildNodes = new List<BuildGraphNode>();
        if (layout.GroupBy == GroupBy.Arch)
        {
            var architectures = matrix.Images.SelectMany(e => e.Architectures).Distinct();
            foreach (var architecture in architectures)
            {
                buildNodes.Add(Node(architecture.Name, buildspec, architecture, null, []));
                foreach (var entry in matrix.Images.Where(e => e.Architectures.Contains(architecture)))
                {
                    builders[entry.Version].Add(architecture.Name);
                }
            }
        }
        else
        {
            foreach (var entry in matrix.Images)
            {
                foreach (var architecture in entry.Architectures)
                {
                    var identifier = BuildNodeIdentifier(architecture, entry.Version);
                    buildNodes.Add(Node(identifier, buildspec, architecture, entry.Version, []));
                    builders[entry.Version].Add(identifier);
                }
            }
        }

        var manifestArchitecture = Architectures.Find("amd64")!;
        var manifestNodes = layout.ManifestNodes == ManifestNodes.Single
            ? [Node(ManifestNodeIdentifier(null), manifestBuildspec, manifestArchitecture, null, buildNodes.Select(n => n.Identifier).ToList(), setArch: false)]
            : matrix.Images.Select(e => Node(ManifestNodeIdentifier(e.Version), manifestBuildspec, manifestArchitecture, e.Version, builders[e.Version], setArch: false));

        return buildNodes.Concat(manifestNodes);
    }

    private static BuildGraphNode Node(string identifier, string buildspec, Architecture architecture, string? version, List<string> dependOn, bool setArch = true)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (setArch)
        {
            variables[CodeBuildEnvVars.Arch] = architecture.Name;
        }

        if (version is not null)
        {
            variables[CodeBuildEnvVars.Version] = version;
        }

        return new BuildGraphNode
        {
            Identifier = identifier,
            Buildspec = buildspec,
            DependOn = dependOn.Count > 0 ? dependOn : null,
            Env = new NodeEnvironment
            {
                Type = CodeBuildEnvironments.TypeFor(architecture),
                Image = CodeBuildEnvironments.ImageFor(architecture),
                ComputeType = CodeBuildEnvironments.ComputeType,
                PrivilegedMode = true,
                Variables = variables.Count > 0 ? variables : null,
            },
        };
    }

    private static void ThrowOnIdentifierClash(ImageMatrix matrix)
    {
        var clash = matrix.Images.GroupBy(e => VersionPart(e.Version)).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new CakeException(
                $"Versions {string.Join(" and ", clash.Select(e => $"'{e.Version}'"))} of the matrix '{matrix.FilePath}' would share the node identifier part '{clash.Key}' " +
                "(CodeBuild identifiers take letters, digits and underscores only): rename one of them.");
        }
    }

    private static NodeBuildspec NodeBuildspecFor(string target, string? matrixArgument) => new()
    {
        Phases = { ["build"] = new BuildPhase { Commands = [Command(target, matrixArgument)] } },
        Cache = NodeCache.Declaration(),
    };

    private static string Header(BuildspecLayout layout, string? matrixArgument)
    {
        var command = string.Join(' ', new[] { $"./build.sh --target={BatchCommandLine.BuildspecTarget}" }
            .Concat(layout.Arguments())
            .Concat(matrixArgument is null ? [] : [$"--{BatchCommandLine.MatrixArgument}={matrixArgument}"]));
        // A comment line: a control character in the matrix path must not end it.
        var comment = new string($"# Generated by `{command}` from {matrixArgument ?? BatchCommandLine.DefaultMatrix}. Do not edit:".Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return new StringBuilder()
            .AppendLine(comment)
            .AppendLine("# change the matrix and regenerate. CheckBuildspec fails when this file differs from what Buildspec writes.")
            .ToString();
    }

    private static string Serialize(object value) => Serializer.Serialize(value);

    // Strings that YAML would read as numbers or booleans are quoted: VERSION 3.10 must stay "3.10", not 3.1.
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .WithNewLine("\n")
        .Build();
}
