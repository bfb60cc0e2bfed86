namespace Build.CodeBuild.Buildspecs;

/// <summary>The files Buildspec writes into the buildspec folder.</summary>
public static class BuildspecFiles
{
    public const string Batch = "batch.yml";
    public const string BuildNode = "build.yml";
    public const string ManifestNode = "manifest.yml";

    public static readonly string[] All = [Batch, BuildNode, ManifestNode];
}

/// <summary>A file Buildspec writes: its name in the buildspec folder and its whole text.</summary>
public sealed record GeneratedFile(string Name, string Content);
