namespace Build.Docker.Inspect;

/// <summary>Settings of <c>docker image inspect</c>.</summary>
public sealed class DockerImageInspectSettings : DockerSettings;
