namespace Cake.Docker;

/// <summary>Cake.Docker's settings of <c>docker push</c>: the properties this build sets, in Cake.Docker's order.</summary>
public sealed class DockerImagePushSettings : AutoToolSettings
{
    public bool AllTags { get; set; }
}
