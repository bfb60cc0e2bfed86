using Build.Docker;
using Build.Docker.Build;
using Build.Docker.Inspect;
using Build.Docker.Version;
using Build.Images;
using Build.Images.Inputs;
using Build.Registry;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Docker;

namespace Build.Steps.BuildArchImage;

/// <summary>What BuildImage did for one arch image.</summary>
public abstract record ArchImageBuild(string Reference);

/// <summary>Not built: the registry already holds an image of the same inputs, under <paramref name="InputsTag"/>.</summary>
public sealed record ReusedArchImage(string Reference, string InputsTag, string Digest) : ArchImageBuild(Reference);

/// <param name="Previous">The previous image pulled as build cache, and how it runs; null without one.</param>
public sealed record BuiltArchImage(string Reference, string ImageId, ImageRuntime Runtime, ImageInputs? Inputs, (string Reference, ImageRuntime Runtime)? Previous)
    : ArchImageBuild(Reference);

/// <summary>
/// BuildImage's step for one arch image: its inputs (reused when the registry has them, unless forced), the previous
/// image as cache, the settings, `docker build` (again without the cache when the classic builder fails on it), and a
/// check that the image is of the platform asked for.
/// </summary>
/// <param name="docker">Cake's context, for the docker aliases and the log.</param>
/// <param name="registry">The target registry's client; null without --registry.</param>
public sealed class ArchImageBuilder(
    ICakeContext docker, RegistryClient? registry, ImageTags tags, ImageBuildSettingsFactory settingsFactory, ImageInputsResolver inputsResolver, string? dockerConfig, bool force)
{
    private readonly CacheSource _cache = new(docker, registry, tags, dockerConfig);
    private DockerBuilder? _builder;

    public async Task<ArchImageBuild> BuildAsync(ImageTarget target)
    {
        var log = docker.Log;
        var reference = tags.Reference(tags.ArchTag(target));
        var inputs = await inputsResolver.ResolveAsync(target);
        if (inputs is not null && !force && registry is not null && await registry.HeadManifestAsync(tags.Repository, inputs.Tag) is { } existing)
        {
            log.Information("{0}: inputs unchanged, the registry has them as {1} ({2}); not building (--force rebuilds)", reference, inputs.Tag, existing.Digest);
            return new ReusedArchImage(reference, inputs.Tag, existing.Digest);
        }

        log.Information("Building {0} for {1} from {2}", reference, target.Architecture.Platform, target.Entry.DockerfilePath);
        if (target.Entry.Legacy is { } legacy)
        {
            log.Warning("{0} is a legacy image: {1}. Build it only to keep existing users going; plan their move to a current entry.", reference, legacy);
        }

        var idFile = Path.GetTempFileName();
        try
        {
            // The labels need the commit (git); read it while docker pulls the previous image.
            var origin = settingsFactory.ReadOriginAsync();
            var cache = await _cache.PullPreviousAsync(target);
            await origin;
            var settings = settingsFactory.Create(target, idFile, inputs);
            Build(target, settings, cache);

            // One inspect: the built image's platform and runtime, and the previous image's for TestImage.
            var previous = settings.CacheFrom?.FirstOrDefault();
            var runtimes = docker.DockerImageRuntimes(
                new DockerImageInspectSettings().WithDockerConfig(dockerConfig), previous is null ? [reference] : [reference, previous]);
            VerifyPlatform(target, reference, runtimes[0].Platform);
            return new BuiltArchImage(
                reference, File.ReadAllText(idFile).Trim(), runtimes[0], inputs, previous is null || runtimes.Count < 2 ? null : (previous, runtimes[1]));
        }
        finally
        {
            File.Delete(idFile);
        }
    }

    private void Build(ImageTarget target, DockerImageBuildSettings settings, string? cache)
    {
        if (_builder is null)
        {
            _builder = docker.DockerBuilderInUse(new DockerVersionSettings().WithDockerConfig(dockerConfig));
            docker.Log.Information("Builder: {0}", _builder);
        }

        if (_builder.IsBuildKit)
        {
            // BuildKit takes --cache-from from the registry, and only from an image that carries its cache keys.
            settings.BuildArg = [.. settings.BuildArg ?? [], $"{DockerBuilder.InlineCacheArg}=1"];
        }

        if (cache is not null)
        {
            settings.CacheFrom = [cache];
        }

        try
        {
            docker.DockerBuildWithLabelStep(settings, target.Entry.ContextDirectory);
        }
        catch (CakeException e) when (settings.CacheFrom is { Length: > 0 })
        {
            // The classic builder of Docker 20.10 can fail to restore a --cache-from layer ("failed to create
            // cache image: ... layer does not exist"): the cache is only an optimisation, so build without it.
            docker.Log.Warning("docker build with --cache-from {0} failed ({1}); building again without it.", string.Join(", ", settings.CacheFrom), e.Message);
            settings.CacheFrom = [];
            docker.DockerBuildWithLabelStep(settings, target.Entry.ContextDirectory);
        }
    }

    // The classic builder can reuse a base or cache entry of another platform; catch it before the image is pushed.
    private static void VerifyPlatform(ImageTarget target, string reference, Platform built)
    {
        var wanted = target.Architecture.Platform;
        if (!built.IsSameMachineAs(wanted) || (wanted.Variant is not null && built.Variant is not null && built.Variant != wanted.Variant))
        {
            throw new CakeException(
                $"{reference} was built for {built}, not {wanted}: the builder reused an image of another platform. " +
                "Make sure the Dockerfile's base is a multi-platform image pulled from a registry (BuildImage passes --pull), then rebuild.");
        }
    }

    /// <summary>--dryrun: the `docker build` of one arch image.</summary>
    public static string Plan(ImageBuildSettingsFactory settingsFactory, ImageTarget target) =>
        (target.Entry.Legacy is { } legacy ? $"(legacy image: {legacy}) " : string.Empty) +
        DockerImageBuilder.Render(DockerImageBuilder.GetArguments(target.Entry.ContextDirectory, settingsFactory.Create(target, imageIdFile: null)));
}
