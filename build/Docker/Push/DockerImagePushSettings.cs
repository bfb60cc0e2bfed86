namespace Build.Docker.Push;

/// <summary>Settings of <c>docker push</c>.</summary>
public sealed class DockerImagePushSettings : DockerSettings
{
    public bool Quiet { get; set; }
}
