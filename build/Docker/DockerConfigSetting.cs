using Cake.Core.Tooling;

namespace Build.Docker;

/// <summary>Ours: the run-private DOCKER_CONFIG a docker command uses, as an environment variable of its settings (Cake's
/// ToolSettings.EnvironmentVariables), so that it reaches docker through Cake.Docker's aliases as well as through ours.</summary>
public static class DockerConfigSetting
{
    /// <summary>Points docker at <paramref name="directory"/>; null leaves docker's own (DOCKER_CONFIG, else ~/.docker).</summary>
    public static TSettings WithDockerConfig<TSettings>(this TSettings settings, string? directory)
        where TSettings : ToolSettings
    {
        if (directory is not null)
        {
            settings.EnvironmentVariables ??= new Dictionary<string, string>();
            settings.EnvironmentVariables[DockerEnvVars.Config] = directory;
        }

        return settings;
    }

    /// <summary>The DOCKER_CONFIG the settings give docker, or null.</summary>
    public static string? DockerConfig(this ToolSettings settings) =>
        settings.EnvironmentVariables is { } variables && variables.TryGetValue(DockerEnvVars.Config, out var directory) ? directory : null;
}
