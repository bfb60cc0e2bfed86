using System.Globalization;
using Build.Context;
using Build.Docker.Build;
using Build.Images.Inputs;

namespace Build.Images;

/// <summary>The `docker build` settings for one arch image: the same for a real run and for --dryrun's plan.</summary>
public static class ImageBuildSettingsFactory
{
    public static DockerImageBuildSettings Create(BuildContext context, ImageTarget target, string? imageIdFile, ImageInputs? inputs = null)
    {
        var settings = new DockerImageBuildSettings
        {
            File = target.Entry.DockerfilePath,
            Platform = target.Architecture.Platform.ToString(),
            ImageIdFile = imageIdFile,
            // Always fetch the base for the requested platform: the classic builder otherwise reuses a local base
            // of another architecture under the same tag.
            Pull = true,
            ConfigDirectory = context.DockerConfigDirectory,
        };
        settings.Tags.Add(context.Tags.Reference(context.Tags.ArchTag(target)));

        foreach (var arg in BuildArgs(context, target))
        {
            settings.BuildArgs.Add(arg);
        }

        foreach (var label in Labels(context, target))
        {
            settings.Labels.Add(label);
        }

        if (inputs is not null)
        {
            settings.Labels.Add(new(ImageInputs.Label, inputs.Hash));
        }

        return settings;
    }

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
