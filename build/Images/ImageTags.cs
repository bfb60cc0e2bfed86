using System.Text.RegularExpressions;

namespace Build.Images;

/// <summary>
/// The tag scheme of the original buildspecs:
/// arch images <c>repo:version.suffix-arch</c>, manifest lists <c>repo:version.suffix</c> and the floating <c>repo:version</c>.
/// </summary>
public sealed partial record ImageTags(string? Registry, string Repository, string Suffix)
{
    /// <summary>registry/repository, or just the repository for a local-only build.</summary>
    public string Name => Registry is null ? Repository : $"{Registry}/{Repository}";

    public string ArchTag(ImageTarget target) => $"{target.Version}.{Suffix}-{target.Architecture.Name}";

    public string VersionTag(string version) => $"{version}.{Suffix}";

    public static string FloatingTag(string version) => version;

    public IReadOnlyList<string> ManifestTags(string version) => [VersionTag(version), FloatingTag(version)];

    public string Reference(string tag) => $"{Name}:{tag}";

    /// <summary>
    /// A piece of a tag (a version, a suffix, a base tag): tag characters, at most 64 of them, so that
    /// version.suffix-arch stays within the registry's 128.
    /// </summary>
    public static bool IsTagComponent(string value) => TagComponent().IsMatch(value);

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex TagComponent();
}
