namespace Build.CodeBuild.Buildspecs;

/// <summary>Manifest nodes: one per version (a failed version blocks only its own lists), or the original single node.</summary>
public enum ManifestNodes
{
    PerVersion,
    Single,
}

/// <summary>Build nodes: one per (arch, version) as the original graph, or one per arch building all of its versions.</summary>
public enum GroupBy
{
    ArchVersion,
    Arch,
}

public sealed record BuildspecLayout(ManifestNodes ManifestNodes = ManifestNodes.PerVersion, GroupBy GroupBy = GroupBy.ArchVersion)
{
    public const string PerVersionName = "per-version";
    public const string SingleName = "single";
    public const string ArchVersionName = "arch-version";
    public const string ArchName = "arch";

    /// <summary>The arguments that select this layout, as a user passes them to Buildspec and CheckBuildspec.</summary>
    public IEnumerable<string> Arguments()
    {
        if (ManifestNodes == ManifestNodes.Single)
        {
            yield return $"--{BatchCommandLine.ManifestNodesArgument}={SingleName}";
        }

        if (GroupBy == GroupBy.Arch)
        {
            yield return $"--{BatchCommandLine.GroupByArgument}={ArchName}";
        }
    }
}
