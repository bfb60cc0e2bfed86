namespace Cake.Docker;

/// <summary>Cake.Docker's settings of <c>docker image build</c>: the properties this build sets, in Cake.Docker's order.</summary>
public sealed class DockerImageBuildSettings : AutoToolSettings
{
    /// <summary>"NAME=value" each; not secret (build args stay in the image history).</summary>
    public string[]? BuildArg { get; set; }

    public string[]? CacheFrom { get; set; }

    public string? File { get; set; }

    /// <summary>Where docker writes the built image's id.</summary>
    public string? Iidfile { get; set; }

    /// <summary>"key=value" each.</summary>
    public string[]? Label { get; set; }

    public bool? NoCache { get; set; }

    public string? Platform { get; set; }

    public bool? Pull { get; set; }

    public string[]? Tag { get; set; }
}
