using Build.Images;
using Build.Registry;
using Cake.Core.Diagnostics;

namespace Build.Steps.PublishManifestList;

/// <summary>CreateManifest's step: what the registry holds of each arch image of a version, the entries of its list.</summary>
public sealed class ArchImageReader(RegistryClient registry, ImageTags tags, ICakeLog log)
{
    /// <returns>Each architecture's tag, and its manifest's descriptor (null: the registry lacks it).</returns>
    public async Task<IReadOnlyList<(Architecture Architecture, string Tag, ManifestDescriptor? Descriptor)>> ReadAsync(ImageEntry entry)
    {
        var read = new List<(Architecture, string, ManifestDescriptor?)>();
        foreach (var architecture in entry.Architectures)
        {
            var tag = tags.ArchTag(new(entry, architecture));
            var descriptor = await ReadArchImageAsync(tag, architecture.Platform);
            if (descriptor is not null)
            {
                log.Information("{0}: {1} {2}", tags.Reference(tag), descriptor.MediaType, descriptor.Digest);
            }

            read.Add((architecture, tag, descriptor));
        }

        return read;
    }

    /// <summary>--dryrun: the reads of a version's arch images.</summary>
    public static IEnumerable<string> Plan(string registryHost, ImageTags tags, ImageEntry entry) =>
        entry.Architectures.Select(architecture => $"registry API: GET {registryHost}/v2/{tags.Repository}/manifests/{tags.ArchTag(new(entry, architecture))}");

    // An arch image is normally a single manifest; a BuildKit push with provenance makes it an index: take its platform's entry.
    private async Task<ManifestDescriptor?> ReadArchImageAsync(string tag, Platform platform) =>
        await registry.GetManifestAsync(tags.Repository, tag) is { } manifest ? ManifestListBuilder.ResolvePlatformManifest(manifest, platform) : null;
}
