using Cake.Core.Tooling;

namespace Build.Docker;

/// <summary>Settings every docker command shares.</summary>
public abstract class DockerSettings : ToolSettings
{
    /// <summary>A run-private DOCKER_CONFIG folder, so that a login never touches the user's ~/.docker.</summary>
    public string? ConfigDirectory { get; set; }
}
