namespace Build.Docker.Run;

/// <summary>Settings of <c>docker run</c> (only the flags this product uses).</summary>
public sealed class DockerRunSettings : DockerSettings
{
    public string? Platform { get; set; }

    public string? Entrypoint { get; set; }

    /// <summary>Remove the container when it exits.</summary>
    public bool Remove { get; set; } = true;

    /// <summary>The container's network; "none" skips creating an interface the smoke test has no use for.</summary>
    public string? Network { get; set; }

    /// <summary>Never pull: the image under test is the one just built.</summary>
    public string? Pull { get; set; } = "never";
}
