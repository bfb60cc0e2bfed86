using Build.Aws;
using Build.Images;
using Build.Registry;
using Cake.Core.Diagnostics;

namespace Build.Steps.PublishManifestList;

/// <summary>
/// A manifest list, composed from its platforms' manifests, put under each tag, read back and verified: every platform
/// must point at its digest. Shared by PushManifest, the promotion to ECR Public and BaseImage.
/// </summary>
/// <param name="name">registry/repository as references show it (for messages).</param>
/// <param name="immutableTags">The ECR repository's tags are IMMUTABLE: a tag that already holds the list is left alone.</param>
public sealed class ManifestListPublisher(RegistryClient registry, string repository, string name, ICakeLog log, bool immutableTags = false)
{
    /// <summary>The list of <paramref name="entries"/>, and the digest each platform must point at.</summary>
    public static (Manifest List, IReadOnlyDictionary<Platform, string> Expected) Compose(IReadOnlyCollection<(ManifestDescriptor Descriptor, Platform Platform)> entries) =>
        (ManifestListBuilder.Build(entries), entries.ToDictionary(e => e.Platform, e => e.Descriptor.Digest));

    /// <param name="verb">"Pushed", "Promoted": each tag's message; null for none.</param>
    /// <returns>The list's digest as the registry answered it.</returns>
    public async Task<string> PublishAsync(IEnumerable<string> tags, Manifest list, IReadOnlyDictionary<Platform, string> expected, string? verb)
    {
        var digest = list.Digest;
        foreach (var tag in tags)
        {
            var reference = $"{name}:{tag}";
            if (immutableTags && await ImmutableTags.AlreadyPushedAsync(registry, repository, tag, [digest], "manifest list"))
            {
                log.Information("{0} already holds this manifest list (immutable tag): nothing to push", reference);
            }
            else
            {
                digest = await registry.PutManifestAsync(repository, tag, list);
            }

            ManifestListVerifier.ThrowIfInvalid(reference, await registry.GetManifestAsync(repository, tag), expected);
            if (verb is not null)
            {
                log.Information("{0} and verified {1} {2}", verb, reference, digest);
            }
        }

        return digest;
    }

    /// <summary>--dryrun: the put and the read-back of each tag; <paramref name="of"/> names the list's entries.</summary>
    public static IEnumerable<string> Plan(string registryHost, string repository, IEnumerable<string> tags, string of) =>
        tags.SelectMany(tag => new[]
        {
            $"registry API: PUT {registryHost}/v2/{repository}/manifests/{tag} (manifest list of {of})",
            $"registry API: GET {registryHost}/v2/{repository}/manifests/{tag} (verify each platform's digest)",
        });
}
