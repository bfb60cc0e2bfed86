namespace Build.Docker.Build;

/// <summary>Settings of <c>docker build</c> (only the flags this product uses).</summary>
public sealed class DockerImageBuildSettings : DockerSettings
{
    public string? File { get; set; }

    public string? Platform { get; set; }

    public IList<string> Tags { get; } = [];

    /// <summary>Build args in the order given; values are not secrets (they end up in the image history).</summary>
    public IList<KeyValuePair<string, string>> BuildArgs { get; } = [];

    public IList<KeyValuePair<string, string>> Labels { get; } = [];

    public IList<string> CacheFrom { get; } = [];

    /// <summary>Where docker writes the built image's id.</summary>
    public string? ImageIdFile { get; set; }

    public bool Pull { get; set; }

    public bool NoCache { get; set; }
}
