namespace Build.Images;

/// <summary>The image matrix file: which Python versions are built, from which Dockerfile, for which architectures.</summary>
public sealed record ImageMatrix(string FilePath, string Repository, IReadOnlyList<ImageEntry> Images)
{
    public string KnownVersions => string.Join(", ", Images.Select(i => i.Version));

    public ImageEntry? Find(string version) =>
        Images.FirstOrDefault(i => string.Equals(i.Version, version, StringComparison.Ordinal));
}

/// <summary>One matrix entry: a Python version and the architectures it is built for.</summary>
public sealed record ImageEntry(
    string Version,
    string DockerfilePath,
    IReadOnlyList<Architecture> Architectures,
    IReadOnlyDictionary<string, string> BuildArgs)
{
    public string ContextDirectory => Path.GetDirectoryName(DockerfilePath)!;

    public string ArchitectureNames => string.Join(", ", Architectures.Select(a => a.Name));
}
