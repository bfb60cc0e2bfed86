namespace Build.Docker.Version;

/// <summary>Settings of <c>docker version</c>.</summary>
public sealed class DockerVersionSettings : DockerSettings;
