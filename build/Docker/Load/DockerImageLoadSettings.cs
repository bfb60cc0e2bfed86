namespace Build.Docker.Load;

/// <summary>Settings of <c>docker load</c>.</summary>
public sealed class DockerImageLoadSettings : DockerSettings;
