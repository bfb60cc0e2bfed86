namespace Build.Docker.Pull;

/// <summary>Settings of <c>docker pull</c>.</summary>
public sealed class DockerImagePullSettings : DockerSettings
{
    public string? Platform { get; set; }

    public bool Quiet { get; set; }
}
