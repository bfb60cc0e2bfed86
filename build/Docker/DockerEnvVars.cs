namespace Build.Docker;

/// <summary>The docker CLI's own environment variables that this build reads or sets (Docker/ is a leaf: its names live here).</summary>
public static class DockerEnvVars
{
    /// <summary>The folder of docker's config.json (credentials, helpers); a run-private one in ECR mode and LocalBatch.</summary>
    public const string Config = "DOCKER_CONFIG";

    public const string Host = "DOCKER_HOST";

    public const string Context = "DOCKER_CONTEXT";
}
