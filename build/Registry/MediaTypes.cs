namespace Build.Registry;

/// <summary>The manifest media types this build reads and writes.</summary>
public static class MediaTypes
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";

    /// <summary>What GET and HEAD accept: both image manifest kinds and both list kinds.</summary>
    public static readonly IReadOnlyList<string> Accepted = [DockerManifest, DockerManifestList, OciManifest, OciIndex];

    public static bool IsIndex(string mediaType) => mediaType is DockerManifestList or OciIndex;

    public static bool IsImageManifest(string mediaType) => mediaType is DockerManifest or OciManifest;
}
