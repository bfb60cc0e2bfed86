namespace Cake.Docker;

/// <summary>
/// Cake.Docker's settings of <c>docker image build</c>: the properties this build sets, in Cake.Docker's order. As in
/// Cake.Docker, reference-type properties are annotated non-null but are null until set (null renders nothing).
/// </summary>
public sealed class DockerImageBuildSettings : AutoToolSettings
{
    /// <summary>"NAME=value" each; not secret (build args stay in the image history).</summary>
    public string[] BuildArg { get; set; } = null!;

    public string[] CacheFrom { get; set; } = null!;

    public string File { get; set; } = null!;

    /// <summary>Where docker writes the built image's id.</summary>
    public string Iidfile { get; set; } = null!;

    /// <summary>"key=value" each.</summary>
    public string[] Label { get; set; } = null!;

    public bool? NoCache { get; set; }

    public string Platform { get; set; } = null!;

    public bool? Pull { get; set; }

    public string[] Tag { get; set; } = null!;
}
