using Cake.Core.Tooling;

namespace Build.Docker.Inspect;

/// <summary>Ours (Cake.Docker has no image inspect): settings of <c>docker image inspect</c>.</summary>
public sealed class DockerImageInspectSettings : ToolSettings;
