using Build.CodeBuild;

namespace Build.Context;

public static class Paths
{
    /// <summary>The image matrix used when --matrix is not given, relative to the repository root.</summary>
    public const string DefaultMatrix = BatchCommandLine.DefaultMatrix;
}
