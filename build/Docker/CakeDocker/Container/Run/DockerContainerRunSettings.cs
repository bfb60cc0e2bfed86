namespace Cake.Docker;

/// <summary>Cake.Docker's settings of <c>docker run</c>: the properties this build sets, in Cake.Docker's order.</summary>
public sealed class DockerContainerRunSettings : AutoToolSettings
{
    public string Entrypoint { get; set; } = null!;

    public string Network { get; set; } = null!;

    public string Platform { get; set; } = null!;

    /// <summary>Remove the container when it exits.</summary>
    public bool? Rm { get; set; }
}
