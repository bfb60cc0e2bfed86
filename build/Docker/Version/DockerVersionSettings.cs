using Cake.Core.Tooling;

namespace Build.Docker.Version;

/// <summary>Ours (Cake.Docker has no docker version): settings of <c>docker version</c>.</summary>
public sealed class DockerVersionSettings : ToolSettings;
