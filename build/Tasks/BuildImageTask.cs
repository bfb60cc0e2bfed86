using Build.Context;
using Build.Docker;
using Build.Docker.Build;
using Build.Docker.Inspect;
using Build.Docker.Version;
using Build.Images;
using Build.Images.Inputs;
using Build.Registry;
using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Docker;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.BuildImage)]
[TaskDescription("Builds each selected arch image with docker build --platform (qemu for foreign platforms)")]
[IsDependentOn(typeof(BaseImageTask))]
public sealed class BuildImageTask : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public override async Task RunAsync(BuildContext context)
    {
        DockerBuilder? builder = null;
        foreach (var target in context.Selection.Images)
        {
            var reference = context.Tags.Reference(context.Tags.ArchTag(target));
            var inputs = await ImageInputsResolver.ResolveAsync(context, target);
            if (inputs is not null && !context.Options.Force
                && await context.RegistryClient.HeadManifestAsync(context.Tags.Repository, inputs.Tag) is { } existing)
            {
                context.Information("{0}: inputs unchanged, the registry has them as {1} ({2}); not building (--force rebuilds)", reference, inputs.Tag, existing.Digest);
                context.State.Reused.Add(new ReusedImage(target, reference, inputs.Tag, existing.Digest));
                continue;
            }

            context.Information("Building {0} for {1} from {2}", reference, target.Architecture.Platform, target.Entry.DockerfilePath);
            if (target.Entry.Legacy is { } legacy)
            {
                context.Warning("{0} is a legacy image: {1}. Build it only to keep existing users going; plan their move to a current entry.", reference, legacy);
            }

            var idFile = Path.GetTempFileName();
            try
            {
                // The labels need the commit (git); read it while docker pulls the previous image.
                var source = Task.Run(() => context.Source);
                var cache = await CacheSource.PullPreviousAsync(context, target);
                await source;
                var settings = ImageBuildSettingsFactory.Create(context, target, idFile, inputs);
                if (builder is null)
                {
                    builder = context.DockerBuilderInUse(new DockerVersionSettings().WithDockerConfig(context.DockerConfigDirectory));
                    context.Information("Builder: {0}", builder);
                }

                if (builder.IsBuildKit)
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
                    context.DockerBuildWithLabelStep(settings, target.Entry.ContextDirectory);
                }
                catch (CakeException e) when (settings.CacheFrom is { Length: > 0 })
                {
                    // The classic builder of Docker 20.10 can fail to restore a --cache-from layer ("failed to create
                    // cache image: ... layer does not exist"): the cache is only an optimisation, so build without it.
                    context.Warning("docker build with --cache-from {0} failed ({1}); building again without it.", string.Join(", ", settings.CacheFrom), e.Message);
                    settings.CacheFrom = [];
                    context.DockerBuildWithLabelStep(settings, target.Entry.ContextDirectory);
                }

                // One inspect: the built image's platform and runtime, and the previous image's for TestImage.
                var previous = settings.CacheFrom?.FirstOrDefault();
                var runtimes = context.DockerImageRuntimes(
                    new DockerImageInspectSettings().WithDockerConfig(context.DockerConfigDirectory),
                    previous is null ? [reference] : [reference, previous]);
                VerifyPlatform(target, reference, runtimes[0].Platform);
                context.State.Built.Add(new BuiltImage(
                    target,
                    reference,
                    File.ReadAllText(idFile).Trim(),
                    runtimes[0],
                    inputs,
                    previous is null || runtimes.Count < 2 ? null : new PreviousImage(previous, runtimes[1])));
            }
            finally
            {
                File.Delete(idFile);
            }
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

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Selection.Images.Select(target =>
            (target.Entry.Legacy is { } legacy ? $"(legacy image: {legacy}) " : string.Empty) +
            DockerImageBuilder.Render(DockerImageBuilder.GetArguments(target.Entry.ContextDirectory, ImageBuildSettingsFactory.Create(context, target, imageIdFile: null))));
}
