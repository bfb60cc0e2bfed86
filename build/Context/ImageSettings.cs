using Build.Images;
using Build.Images.Inputs;
using Build.Registry;
using Cake.Common.Diagnostics;

namespace Build.Context;

/// <summary>The image helpers, made from the context's parts: each takes only what it needs.</summary>
public static class ImageSettings
{
    /// <summary>The `docker build` settings of this run (tags, labels from the source, the run's DOCKER_CONFIG).</summary>
    public static ImageBuildSettingsFactory BuildSettings(this BuildContext context) =>
        new(context.Tags, () => Origin(context), context.DockerConfigDirectory);

    /// <summary>The unchanged-inputs check; it needs a --registry (without one, or in ECR mode without it, images are built normally).</summary>
    public static ImageInputsResolver InputsResolver(this BuildContext context) =>
        new(context.Options.Registry is null ? null : context.RegistryClient, context.Tags, registry => context.LoginFor(registry), line => context.Warning("{0}", line), line => context.Verbose("{0}", line));

    private static ImageOrigin Origin(BuildContext context) =>
        new(context.Source.Revision, context.Source.RepositoryUrl,
            ImageBuildSettingsFactory.CreatedTime(context.Environment.GetEnvironmentVariable(EnvVars.SourceDateEpoch), context.Source.CommitTime));
}
