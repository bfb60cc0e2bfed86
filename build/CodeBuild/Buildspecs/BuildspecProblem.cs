namespace Build.CodeBuild.Buildspecs;

/// <summary>One thing wrong in a buildspec, where it is: file, line (1-based; 0 when the file is missing) and node.</summary>
public sealed record BuildspecProblem(string File, int Line, string? Node, string Message)
{
    public override string ToString() =>
        $"{File}{(Line > 0 ? $":{Line}" : string.Empty)}: {(Node is null ? string.Empty : $"node '{Node}': ")}{Message}";
}
