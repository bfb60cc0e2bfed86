
namespace Build.Registry;

public enum ManifestProblemKind
{
    /// <summary>The tag holds an image manifest or malformed JSON, not a list.</summary>
    NotAList,

    /// <summary>An expected platform has no entry.</summary>
    Missing,

    /// <summary>The platform's entry points at another digest than the one pushed.</summary>
    WrongDigest,

    /// <summary>The list has a platform nobody asked for.</summary>
    Extra,

    /// <summary>The list has the platform more than once.</summary>
    Duplicate,
}

/// <summary>One way a manifest list read back differs from what was meant.</summary>
public sealed record ManifestProblem(ManifestProblemKind Kind, Platform? Platform, string? ExpectedDigest, string? ActualDigest, string? Detail = null)
{
    public override string ToString() => Kind switch
    {
        ManifestProblemKind.Extra when Platform is null => $"an entry without a platform: not expected (actual {ActualDigest})",
        ManifestProblemKind.NotAList => $"not a manifest list: {Detail}",
        ManifestProblemKind.Missing => $"{Platform}: missing (expected {ExpectedDigest})",
        ManifestProblemKind.WrongDigest => $"{Platform}: expected {ExpectedDigest}, actual {ActualDigest}",
        ManifestProblemKind.Extra => $"{Platform}: not expected (actual {ActualDigest})",
        ManifestProblemKind.Duplicate => $"{Platform}: listed more than once (expected {ExpectedDigest}, actual {ActualDigest})",
        _ => Kind.ToString(),
    };
}
