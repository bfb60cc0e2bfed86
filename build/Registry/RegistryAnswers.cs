using System.Net;
using System.Text.Json;
using Build.Http;

namespace Build.Registry;

/// <summary>
/// Reads a registry's answers: an error answer becomes a <see cref="RegistryException"/> naming the registry, the
/// manifest or blob, the status, the registry's own error and a hint of what to do; served bytes are checked against
/// their digests; a manifest's media type is read from its header or its body.
/// </summary>
internal sealed class RegistryAnswers(RegistryTransport transport, RegistryAuth auth)
{
    public async Task EnsureSuccessAsync(HttpResponseMessage response, RegistryTarget target, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var request = response.RequestMessage;
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        var error = RegistryErrorBody.Parse(body);
        // After a redirect or at an upload Location the answer may come from another host: name the one that failed.
        var elsewhere = request?.RequestUri is { } uri && !transport.IsRegistryOrigin(uri) ? uri.Authority : null;
        throw new RegistryException(
            (elsewhere is null ? $"Registry {transport.Registry}" : $"{elsewhere} (where registry {transport.Registry} sent the request)") +
            $" answered HTTP {(int)response.StatusCode} ({response.StatusCode}) to {request?.Method} {target}: {Redaction.Text(error.Text)}. " +
            (elsewhere is null
                ? Hint(response.StatusCode, error.Codes, target, request?.Method == HttpMethod.Put)
                : $"Retry; if it persists, look at the storage behind {transport.Registry} (e.g. its bucket and presigned URLs)."),
            response.StatusCode,
            error.Codes);
    }

    private string Hint(HttpStatusCode status, IReadOnlyList<string> codes, RegistryTarget target, bool push) => status switch
    {
        HttpStatusCode.Unauthorized => auth.Credentials is null
            ? $"No credentials were given: {auth.Advice}"
            : $"The credentials for user '{auth.Credentials.Username}'{(auth.Credentials.Source is { } source ? $" (from {source})" : "")} were refused: {auth.Advice}",
        HttpStatusCode.Forbidden =>
            $"The account may lack {(push ? "push" : "pull")} access to {target.Repository ?? transport.Registry}: {auth.Advice}",
        HttpStatusCode.NotFound when target.Repository is null => $"Is {transport.BaseUri} a registry? It has no /v2/ API.",
        HttpStatusCode.NotFound when codes.Contains("NAME_UNKNOWN") => $"Repository {target.Repository} does not exist on {transport.Registry}.",
        HttpStatusCode.NotFound when target.IsBlob => $"Repository {target.Repository} on {transport.Registry} has no blob {target.Reference}.",
        HttpStatusCode.NotFound => $"Repository {target.Repository} or reference {target.Reference} is not on {transport.Registry}.",
        _ when codes.Contains("MANIFEST_BLOB_UNKNOWN") || codes.Contains("BLOB_UNKNOWN") =>
            $"Something the manifest refers to is not in {target.Repository}: push the per-platform images to {transport.Registry}/{target.Repository} first.",
        HttpStatusCode.MethodNotAllowed => $"Registry {transport.Registry} does not allow this (read-only, or a pull-through cache?).",
        >= HttpStatusCode.InternalServerError => $"The registry failed: retry, or look at the logs of {transport.Registry}.",
        _ => "",
    };

    public void VerifyDigest(RegistryTarget target, int length, string digest, string? claimed, string source)
    {
        if (claimed is not null && claimed != digest)
        {
            throw new RegistryException(
                $"Registry {transport.Registry} served {target} as {length} bytes whose digest is {digest}, but {source} is {claimed}: " +
                "the bytes were changed on the way or the registry is broken; do not use them.");
        }
    }

    public static string? DigestHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault()?.Trim() : null;

    public static string MediaTypeOf(HttpResponseMessage response, byte[] body)
    {
        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (contentType is not null && contentType != "application/json" && contentType != "text/plain")
        {
            return contentType;
        }

        // A registry that serves generic JSON: the manifest names its own media type.
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("mediaType", out var mediaType) && mediaType.GetString() is { Length: > 0 } named)
            {
                return named;
            }
        }
        catch (JsonException)
        {
        }

        return contentType ?? "application/octet-stream";
    }
}
