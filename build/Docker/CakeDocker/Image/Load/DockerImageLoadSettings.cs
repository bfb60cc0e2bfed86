namespace Cake.Docker;

/// <summary>Cake.Docker's settings of <c>docker load</c>, in its order.</summary>
public sealed class DockerImageLoadSettings : AutoToolSettings
{
    /// <summary>The image archive to load.</summary>
    public string Input { get; set; } = null!;

    public bool? Quiet { get; set; }
}
