namespace Cake.Docker;

/// <summary>Cake.Docker's settings of <c>docker pull</c>: the properties this build sets, in Cake.Docker's order.</summary>
public sealed class DockerImagePullSettings : AutoToolSettings
{
    public bool? AllTags { get; set; }

    public string Platform { get; set; } = null!;
}
