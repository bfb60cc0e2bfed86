using System.Net.Http.Headers;

namespace Build.Registry;

/// <summary>What a request is about: a manifest or a blob (repository and tag or digest, checked so that they go into a URL safely) or the API root.</summary>
internal sealed record RegistryTarget(string? Repository, string? Reference, bool IsBlob = false)
{
    public static readonly RegistryTarget ApiRoot = new(null, null);

    public static RegistryTarget Blob(string repository, string digest)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(digest);
        ImageReference.ValidateRepository(repository);
        ImageReference.ValidateDigest(digest);
        return new RegistryTarget(repository, digest, IsBlob: true);
    }

    public static RegistryTarget Of(string repository, string reference)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(reference);
        ImageReference.ValidateRepository(repository);
        _ = reference.StartsWith("sha256:", StringComparison.Ordinal)
            ? ImageReference.ValidateDigest(reference)
            : ImageReference.ValidateTag(reference);
        return new RegistryTarget(repository, reference);
    }

    public Uri BlobUri(Uri baseUri) => new(baseUri, $"v2/{Repository}/blobs/{Reference}");

    public Uri ManifestUri(Uri baseUri) => new(baseUri, $"v2/{Repository}/manifests/{Uri.EscapeDataString(Reference!)}");

    /// <summary>A request for the manifest that accepts every media type the build reads.</summary>
    public HttpRequestMessage ManifestRequest(HttpMethod method, Uri baseUri)
    {
        var request = new HttpRequestMessage(method, ManifestUri(baseUri));
        foreach (var mediaType in MediaTypes.Accepted)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }

        return request;
    }

    /// <summary>The token scope to ask for; none for the API root.</summary>
    public string Scope(bool push) => Repository is null ? "" : $"repository:{Repository}:{(push ? "pull,push" : "pull")}";

    public override string ToString() => Repository is null
        ? "the API root /v2/"
        : IsBlob
            ? $"blob {Repository}@{Reference}"
            : $"manifest {Repository}{(Digests.IsDigest(Reference!) ? "@" : ":")}{Reference}";
}
