namespace Cake.Docker;

/// <summary>Cake.Docker's settings of <c>docker run</c>: the properties this build sets, in Cake.Docker's order.</summary>
public sealed class DockerContainerRunSettings : AutoToolSettings
{
    public string? Entrypoint { get; set; }

    public string? Network { get; set; }

    public string? Platform { get; set; }

    /// <summary>Remove the container when it exits.</summary>
    public bool? Rm { get; set; }
}
