using System.Globalization;
using Build.Context;
using Build.Docker;
using Build.Images.Inputs;
using Cake.Docker;

namespace Build.Images;

/// <summary>The `docker build` settings for one arch image: the same for a real run and for --dryrun's plan.</summary>
public static class ImageBuildSettingsFactory
{
    public static DockerImageBuildSettings Create(BuildContext context, ImageTarget target, string? imageIdFile, ImageInputs? inputs = null)
    {
        var labels = Labels(context, target);
        var settings = new DockerImageBuildSettings
        {
            File = target.Entry.DockerfilePath,
            Platform = target.Architecture.Platform.ToString(),
            // Always fetch the base for the requested platform: the classic builder otherwise reuses a local base
            // of another architecture under the same tag.
            Pull = true,
            Tag = [context.Tags.Reference(context.Tags.ArchTag(target))],
            BuildArg = [.. BuildArgs(context, target).Select(Pair)],
            Label = [.. (inputs is null ? labels : labels.Append(new(ImageInputs.Label, inputs.Hash))).Select(Pair)],
        }.WithDockerConfig(context.DockerConfigDirectory);
        if (imageIdFile is not null)
        {
            settings.Iidfile = imageIdFile;
        }

        return settings;
    }

    /// <summary>A build arg or label as docker's flags take it (Cake.Docker's settings hold them so).</summary>
    public static string Pair(KeyValuePair<string, string> pair) => $"{pair.Key}={pair.Value}";

    /// <summary>VERSION and ARCH as the original buildspecs passed them, then the entry's own args.</summary>
    public static IEnumerable<KeyValuePair<string, string>> BuildArgs(BuildContext context, ImageTarget target)
    {
        yield return new("VERSION", target.Version);
        yield return new("ARCH", target.Architecture.Name);
        foreach (var (name, value) in target.Entry.BuildArgs.Where(a => a.Key is not ("VERSION" or "ARCH")))
        {
            yield return new(name, ExpandRegistry(context, value));
        }
    }

    /// <summary>The placeholder for the target registry in a build arg, e.g. a base the build published there itself.</summary>
    public const string RegistryPlaceholder = "{registry}";

    private static string ExpandRegistry(BuildContext context, string value) =>
        value.Contains(RegistryPlaceholder, StringComparison.Ordinal) ? value.Replace(RegistryPlaceholder, context.RegistryHost, StringComparison.Ordinal) : value;

    private static IEnumerable<KeyValuePair<string, string>> Labels(BuildContext context, ImageTarget target)
    {
        yield return new("org.opencontainers.image.version", context.Tags.VersionTag(target.Version));
        yield return new("org.opencontainers.image.created", CreatedTime(context).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        if (context.Source.Revision is { } revision)
        {
            yield return new("org.opencontainers.image.revision", revision);
        }

        if (context.Source.RepositoryUrl is { } url)
        {
            yield return new("org.opencontainers.image.source", url);
        }
    }

    // SOURCE_DATE_EPOCH, else the commit time: a rebuild of the same commit gets the same label.
    private static DateTime CreatedTime(BuildContext context)
    {
        var epoch = context.Environment.GetEnvironmentVariable(EnvVars.SourceDateEpoch);
        if (long.TryParse(epoch, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
        }

        return (context.Source.CommitTime ?? DateTimeOffset.UtcNow).UtcDateTime;
    }
}
