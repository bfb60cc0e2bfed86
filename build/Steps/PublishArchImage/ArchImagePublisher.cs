using Build.Aws;
using Build.Docker.Push;
using Build.Images;
using Build.Images.Inputs;
using Build.Registry;
using Build.Steps.LogInToRegistry;
using Cake.Core.Diagnostics;
using Cake.Docker;

namespace Build.Steps.PublishArchImage;

/// <summary>How an arch image came to be in the registry.</summary>
public enum ArchImagePublication
{
    /// <summary>Its inputs were unchanged: the registry's image got the arch tag, no layer moved.</summary>
    Tagged,

    /// <summary>An immutable tag already held this very image: nothing pushed.</summary>
    AlreadyThere,

    /// <summary>docker push, and the tag holds what the push reported.</summary>
    Pushed,
}

public sealed record PublishedArchImage(string Reference, string Digest, ArchImagePublication How);

/// <summary>
/// PushImage's step for one arch image: a reused image is tagged in the registry; under an immutable tag that already
/// holds the image nothing is pushed; otherwise docker logs in again if ECR's token was renewed, pushes, and the
/// registry must hold what the push reported. <see cref="MarkInputsAsync"/> then sets the inputs tag, last.
/// </summary>
/// <param name="immutableTags">The ECR repository's tags are IMMUTABLE (a push to an existing tag is refused).</param>
/// <param name="ecrLogin">ECR mode's docker login, renewed before a push; null for a plain registry.</param>
public sealed class ArchImagePublisher(RegistryClient registry, ImageTags tags, IImageDocker docker, ICakeLog log, bool immutableTags = false, EcrDockerLogin? ecrLogin = null)
{
    /// <param name="reusedInputsTag">BuildImage found the image's inputs unchanged under this tag: tag it, push nothing.</param>
    public async Task<PublishedArchImage> PublishAsync(ImageTarget target, string? reusedInputsTag)
    {
        var tag = tags.ArchTag(target);
        var reference = tags.Reference(tag);
        if (reusedInputsTag is not null)
        {
            var tagged = await RemoteTagger.TagAsync(registry, tags, reusedInputsTag, tag);
            log.Information("Tagged {0} {1} in the registry from {2}: no layer pulled or pushed", reference, tagged, reusedInputsTag);
            return new(reference, tagged, ArchImagePublication.Tagged);
        }

        if (immutableTags)
        {
            var known = docker.RepoDigests(reference)
                .Where(d => d.StartsWith(tags.Name + "@", StringComparison.Ordinal))
                .Select(d => d[(d.IndexOf('@', StringComparison.Ordinal) + 1)..])
                .ToList();
            if (await ImmutableTags.AlreadyPushedAsync(registry, tags.Repository, tag, known, "image"))
            {
                log.Information("{0} already holds this image (immutable tag): nothing to push", reference);
                return new(reference, known[0], ArchImagePublication.AlreadyThere);
            }
        }

        if (ecrLogin is not null)
        {
            await ecrLogin.RefreshAsync();
        }

        log.Information("Pushing {0}", reference);
        var digest = await new CheckedPush(docker, registry).PushAsync(reference, tags.Repository, tag);
        log.Information("Pushed {0} {1}", reference, digest);
        return new(reference, digest, ArchImagePublication.Pushed);
    }

    /// <summary>The inputs tag says "tested and published": set last, so a crash before it means the next run builds again.</summary>
    public Task MarkInputsAsync(string digest, string inputsTag) => RemoteTagger.TagAsync(registry, tags, digest, inputsTag);

    /// <summary>--dryrun: the push, the registry check and the signing of one arch image.</summary>
    public static IEnumerable<string> Plan(ImageTags tags, string registryHost, ImageTarget target, bool signs)
    {
        var tag = tags.ArchTag(target);
        yield return DockerImagePusher.Render(DockerImagePusher.GetArguments(tags.Reference(tag), new DockerImagePushSettings()));
        yield return $"registry API: HEAD {registryHost}/v2/{tags.Repository}/manifests/{tag}";
        yield return signs ? $"sign {tag}'s digest (cosign .sig) and attest its SBOM and SLSA provenance (.att)" : "no signing key: not signed";
    }
}
