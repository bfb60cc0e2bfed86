using Build.Aws;
using Build.Images;
using Build.Registry;
using Cake.Core.Diagnostics;

namespace Build.Steps.PublishManifestList;

/// <summary>
/// --public-registry: copies each arch image of a version from the private registry to ECR Public (registry to
/// registry, no rebuild), then pushes the same manifest list bytes under both tags there and verifies them.
/// </summary>
public sealed class Promotion(RegistryClient source, ImageTags tags, RegistryClient target, PublicRegistry publicRegistry, ICakeLog log)
{
    /// <param name="images">Each arch image of the version: its tag in the private registry and its digest.</param>
    /// <returns>The list's references in ECR Public.</returns>
    public async Task<IReadOnlyList<string>> PromoteAsync(
        IEnumerable<(string SourceTag, string Digest)> images, string version, Manifest list, IReadOnlyDictionary<Platform, string> expected)
    {
        var repository = publicRegistry.Repository(tags.Repository);
        var copier = new ImageCopier(source, target, line => log.Verbose("{0}", line));
        foreach (var (sourceTag, digest) in images)
        {
            await copier.CopyAsync(tags.Repository, repository, digest, sourceTag);
            log.Information("Copied {0} to {1}/{2}:{3}", tags.Reference(sourceTag), publicRegistry.Host, repository, sourceTag);
        }

        var name = $"{publicRegistry.Host}/{repository}";
        await new ManifestListPublisher(target, repository, name, log).PublishAsync(tags.ManifestTags(version), list, expected, "Promoted");
        return tags.ManifestTags(version).Select(tag => $"{name}:{tag}").ToList();
    }

    public static IEnumerable<string> Plan(PublicRegistry? target, ImageTags tags, string version)
    {
        if (target is null)
        {
            yield break;
        }

        var repository = target.Repository(tags.Repository);
        yield return "ECR Public GetAuthorizationToken (us-east-1)";
        yield return $"copy each arch image of {version} to {target.Host}/{repository} (registry API: blobs HEAD/GET/POST/PUT, manifests PUT)";
        foreach (var tag in tags.ManifestTags(version))
        {
            yield return $"registry API: PUT and GET {target.Host}/v2/{repository}/manifests/{tag} (same manifest list, verified)";
        }
    }
}
