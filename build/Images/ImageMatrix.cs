namespace Build.Images;

/// <summary>The image matrix file: which Python versions are built, from which Dockerfile, for which architectures.</summary>
public sealed record ImageMatrix(string FilePath, string Repository, IReadOnlyList<ImageEntry> Images, BaseImageSpec? Base = null)
{
    /// <summary>Every architecture some entry builds, in table order.</summary>
    public IReadOnlyList<Architecture> Architectures =>
        Build.Images.Architectures.Known.Where(a => Images.Any(i => i.Architectures.Contains(a))).ToList();

    public string KnownVersions => string.Join(", ", Images.Select(i => i.Version));

    public ImageEntry? Find(string version) =>
        Images.FirstOrDefault(i => string.Equals(i.Version, version, StringComparison.Ordinal));
}

/// <summary>
/// One matrix entry: a Python version and the architectures it is built for. The Dockerfile is inside the matrix
/// file's folder (the loader checks it), and its own folder is the build context.
/// </summary>
public sealed record ImageEntry(
    string Version,
    string DockerfilePath,
    IReadOnlyList<Architecture> Architectures,
    IReadOnlyDictionary<string, string> BuildArgs,
    string? Legacy = null)
{
    public string ContextDirectory => Path.GetDirectoryName(DockerfilePath)!;

    public string ArchitectureNames => string.Join(", ", Architectures.Select(a => a.Name));
}

/// <summary>
/// A base image the build makes itself (Debian with mmdebstrap), for machines that reach no public registry:
/// published to the target registry as a multi-arch list <c>repository:tag</c>.
/// </summary>
public sealed record BaseImageSpec(string Repository, string Tag, string Suite, IReadOnlyList<string> Packages);
