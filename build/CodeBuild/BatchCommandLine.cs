namespace Build.CodeBuild;

/// <summary>
/// This program's command line as the batch writes it (node commands, the generated files' header, the regenerate
/// hint) and names it in messages: the targets, arguments and default paths involved. CodeBuild/ is below Context/,
/// so they live here and Context's <c>TaskNames</c>, <c>Arguments</c> and <c>Paths</c> take them from here.
/// </summary>
public static class BatchCommandLine
{
    /// <summary>What a build node runs: builds and pushes its arch images.</summary>
    public const string BuildTarget = "PushImage";

    /// <summary>What a manifest node runs: joins the arch images into manifest lists.</summary>
    public const string ManifestTarget = "PushManifest";

    /// <summary>What writes the buildspecs.</summary>
    public const string BuildspecTarget = "Buildspec";

    public const string MatrixArgument = "matrix";
    public const string BuildspecDirectoryArgument = "buildspec-dir";
    public const string ManifestNodesArgument = "manifest-nodes";
    public const string GroupByArgument = "group-by";
    public const string IsolationArgument = "isolation";

    /// <summary>The image matrix used when --matrix is not given, relative to the repository root.</summary>
    public const string DefaultMatrix = "dockerfiles/images.json";

    public const string DefaultBuildspecDirectory = "buildspecs";
}
