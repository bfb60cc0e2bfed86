using System.Globalization;
using Build.Docker;
using Build.Images.Inputs;
using Cake.Core;
using Cake.Docker;

namespace Build.Images;

/// <summary>The `docker build` settings for one arch image: the same for a real run and for --dryrun's plan.</summary>
/// <param name="origin">The labels' source facts; asked for only when settings are made (reading them may run git).</param>
/// <param name="dockerConfig">The run's private DOCKER_CONFIG, or null for docker's own.</param>
public sealed class ImageBuildSettingsFactory(ImageTags tags, Func<ImageOrigin> origin, string? dockerConfig)
{
    public DockerImageBuildSettings Create(ImageTarget target, string? imageIdFile, ImageInputs? inputs = null)
    {
        var labels = Labels(target);
        var settings = new DockerImageBuildSettings
        {
            File = target.Entry.DockerfilePath,
            Platform = target.Architecture.Platform.ToString(),
            // Always fetch the base for the requested platform: the classic builder otherwise reuses a local base
            // of another architecture under the same tag.
            Pull = true,
            Tag = [tags.Reference(tags.ArchTag(target))],
            BuildArg = [.. BuildArgs(tags, target).Select(Pair)],
            Label = [.. (inputs is null ? labels : labels.Append(new(ImageInputs.Label, inputs.Hash))).Select(Pair)],
        }.WithDockerConfig(dockerConfig);
        if (imageIdFile is not null)
        {
            settings.Iidfile = imageIdFile;
        }

        return settings;
    }

    /// <summary>Reads the labels' source facts in the background (git, on first use), e.g. while docker pulls.</summary>
    public Task ReadOriginAsync() => Task.Run(origin);

    /// <summary>A build arg or label as docker's flags take it (Cake.Docker's settings hold them so).</summary>
    public static string Pair(KeyValuePair<string, string> pair) => $"{pair.Key}={pair.Value}";

    /// <summary>VERSION and ARCH as the original buildspecs passed them, then the entry's own args.</summary>
    public static IEnumerable<KeyValuePair<string, string>> BuildArgs(ImageTags tags, ImageTarget target)
    {
        yield return new("VERSION", target.Version);
        yield return new("ARCH", target.Architecture.Name);
        foreach (var (name, value) in target.Entry.BuildArgs.Where(a => a.Key is not ("VERSION" or "ARCH")))
        {
            yield return new(name, ExpandRegistry(tags, value));
        }
    }

    /// <summary>The placeholder for the target registry in a build arg, e.g. a base the build published there itself.</summary>
    public const string RegistryPlaceholder = "{registry}";

    /// <summary>The created label's time: SOURCE_DATE_EPOCH, else the commit time (a rebuild of the same commit gets the same label), else now.</summary>
    public static DateTime CreatedTime(string? sourceDateEpoch, DateTimeOffset? commitTime) =>
        long.TryParse(sourceDateEpoch, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime
            : (commitTime ?? DateTimeOffset.UtcNow).UtcDateTime;

    private static string ExpandRegistry(ImageTags tags, string value) =>
        value.Contains(RegistryPlaceholder, StringComparison.Ordinal)
            ? value.Replace(RegistryPlaceholder, tags.Registry ?? throw new CakeException("No registry: pass --registry=host[:port] or set REGISTRY."), StringComparison.Ordinal)
            : value;

    private IEnumerable<KeyValuePair<string, string>> Labels(ImageTarget target)
    {
        var source = origin();
        yield return new("org.opencontainers.image.version", tags.VersionTag(target.Version));
        yield return new("org.opencontainers.image.created", source.Created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        if (source.Revision is { } revision)
        {
            yield return new("org.opencontainers.image.revision", revision);
        }

        if (source.RepositoryUrl is { } url)
        {
            yield return new("org.opencontainers.image.source", url);
        }
    }
}
