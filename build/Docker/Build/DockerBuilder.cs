using Cake.Core;

namespace Build.Docker.Build;

/// <summary>Which builder <c>docker build</c> runs: the classic (legacy) one, or BuildKit.</summary>
public enum DockerBuilderKind
{
    Classic,
    BuildKit,
}

/// <summary>The builder the docker CLI will use, and why (for the log).</summary>
public sealed record DockerBuilder(DockerBuilderKind Kind, string Reason)
{
    /// <summary>The builder arg that makes BuildKit write its cache keys into the image config, so that the next
    /// build's <c>--cache-from</c> of the pushed image hits (BuildKit reads cache from the registry, not local images).</summary>
    public const string InlineCacheArg = "BUILDKIT_INLINE_CACHE";

    /// <summary>Docker's variable that chooses the builder.</summary>
    public const string EnvVar = "DOCKER_BUILDKIT";

    public bool IsBuildKit => Kind == DockerBuilderKind.BuildKit;

    public override string ToString() => $"{(IsBuildKit ? "BuildKit" : "the classic builder")} ({Reason})";

    /// <summary>
    /// Docker's own rule. DOCKER_BUILDKIT decides when set (a boolean as Go parses it). Unset, a CLI of 23 or later
    /// uses BuildKit when the buildx plugin is installed and the classic builder otherwise; an older CLI uses the classic one.
    /// </summary>
    /// <param name="cli">What the CLI says of itself: its path and version, and whether `docker buildx` answers (asked only when needed).</param>
    public static DockerBuilder Resolve(string? dockerBuildkit, string cliPath, Func<string> cliVersion, Func<bool> hasBuildx)
    {
        if (!string.IsNullOrEmpty(dockerBuildkit))
        {
            return ParseBool(dockerBuildkit) switch
            {
                true => new(DockerBuilderKind.BuildKit, $"DOCKER_BUILDKIT={dockerBuildkit}; docker CLI {cliPath}"),
                false => new(DockerBuilderKind.Classic, $"DOCKER_BUILDKIT={dockerBuildkit}; docker CLI {cliPath}"),
                null => throw new CakeException(
                    $"DOCKER_BUILDKIT='{dockerBuildkit}' is not a boolean: set it to 1 (BuildKit) or 0 (the classic builder), or unset it for the docker CLI's default."),
            };
        }

        var version = cliVersion();
        var major = int.TryParse(version.Split('.')[0], out var m) ? m : 0;
        if (major < 23)
        {
            return new(DockerBuilderKind.Classic, $"docker CLI {cliPath} {version}: its default; DOCKER_BUILDKIT=1 selects BuildKit");
        }

        return hasBuildx()
            ? new(DockerBuilderKind.BuildKit, $"docker CLI {cliPath} {version} with buildx: its default")
            : new(DockerBuilderKind.Classic, $"docker CLI {cliPath} {version} without buildx, which falls back to the classic builder");
    }

    // Go's strconv.ParseBool, which the docker CLI applies to DOCKER_BUILDKIT.
    private static bool? ParseBool(string value) => value switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => null,
    };
}
