using Build.Context;
using Build.Registry;
using Cake.Common.Diagnostics;

namespace Build.Aws;

/// <summary>
/// --public-registry: copies each arch image of a version from the private registry to ECR Public (registry to
/// registry, no rebuild), then pushes the same manifest list bytes under both tags there and verifies them.
/// </summary>
public static class Promotion
{
    public static async Task PromoteAsync(BuildContext context, ManifestListPlan list, Manifest composed, IReadOnlyDictionary<Registry.Platform, string> expected)
    {
        var target = context.PublicRegistry!;
        var repository = target.Repository(context.Tags.Repository);
        var client = context.PublicRegistryClient;
        var copier = new ImageCopier(context.RegistryClient, client, line => context.Verbose("{0}", line));
        foreach (var entry in list.Entries)
        {
            await copier.CopyAsync(context.Tags.Repository, repository, entry.Descriptor.Digest, entry.SourceTag);
            context.Information("Copied {0} to {1}/{2}:{3}", context.Tags.Reference(entry.SourceTag), target.Host, repository, entry.SourceTag);
        }

        var references = new List<string>();
        foreach (var tag in context.Tags.ManifestTags(list.Entry.Version))
        {
            var digest = await client.PutManifestAsync(repository, tag, composed);
            var reference = $"{target.Host}/{repository}:{tag}";
            ManifestListVerifier.ThrowIfInvalid(reference, await client.GetManifestAsync(repository, tag), expected);
            context.Information("Promoted and verified {0} {1}", reference, digest);
            references.Add(reference);
        }

        context.State.Published.Add(new PublishedManifestList(
            list.Entry.Version, references, composed.Digest, expected.Keys.Select(p => p.ToString()).Order(StringComparer.Ordinal).ToList()));
    }

    public static IEnumerable<string> Plan(BuildContext context, string version)
    {
        if (context.PublicRegistry is not { } target)
        {
            yield break;
        }

        var repository = target.Repository(context.Tags.Repository);
        yield return "ECR Public GetAuthorizationToken (us-east-1)";
        yield return $"copy each arch image of {version} to {target.Host}/{repository} (registry API: blobs HEAD/GET/POST/PUT, manifests PUT)";
        foreach (var tag in context.Tags.ManifestTags(version))
        {
            yield return $"registry API: PUT and GET {target.Host}/v2/{repository}/manifests/{tag} (same manifest list, verified)";
        }
    }
}
