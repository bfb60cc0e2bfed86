using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Build.Images;
using Build.Registry;
using NUnit.Framework;

namespace Build.Tests.Registry;

/// <summary>
/// A tiny image (config JSON + one empty gzip'd tar layer) for a platform, pushed with plain HTTP calls, no docker.
/// The manifest JSON is indented on purpose: a client that re-serialised it would change its digest.
/// </summary>
public sealed record TestImage(Platform Platform, string MediaType, byte[] Config, byte[] Layer, byte[] Body)
{
    public string Digest => Digests.Sha256(Body);

    public ManifestDescriptor Descriptor => new(MediaType, Digest, Body.Length);

    /// <summary>An image for <paramref name="platform"/>; <paramref name="label"/> makes otherwise equal images differ.</summary>
    public static TestImage Create(Platform platform, string mediaType = MediaTypes.DockerManifest, string label = "test")
    {
        var oci = mediaType == MediaTypes.OciManifest;
        var tar = new byte[1024]; // An empty tar: two zero blocks.
        var layer = Gzip(tar);
        var variant = platform.Variant is null ? "" : $",\"variant\":\"{platform.Variant}\"";
        var config = Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"{{{platform.Architecture}}}","os":"{{{platform.Os}}}"{{{variant}}},"config":{"Labels":{"test":"{{{label}}}"}},"rootfs":{"type":"layers","diff_ids":["{{{Digests.Sha256(tar)}}}"]}}""");
        var body = Encoding.UTF8.GetBytes($$"""
            {
               "schemaVersion": 2,
               "mediaType": "{{mediaType}}",
               "config": {
                  "mediaType": "{{(oci ? "application/vnd.oci.image.config.v1+json" : "application/vnd.docker.container.image.v1+json")}}",
                  "size": {{config.Length}},
                  "digest": "{{Digests.Sha256(config)}}"
               },
               "layers": [
                  {
                     "mediaType": "{{(oci ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.docker.image.rootfs.diff.tar.gzip")}}",
                     "size": {{layer.Length}},
                     "digest": "{{Digests.Sha256(layer)}}"
                  }
               ]
            }

            """);
        return new TestImage(platform, mediaType, config, layer, body);
    }

    /// <summary>Uploads the config and layer blobs (monolithic POST then PUT ?digest=).</summary>
    public async Task PushBlobsAsync(LocalRegistry registry, string repository, CancellationToken ct = default)
    {
        using var http = registry.CreateHttpClient();
        await PushBlobAsync(http, repository, Config, ct);
        await PushBlobAsync(http, repository, Layer, ct);
    }

    /// <summary>Uploads the blobs and PUTs the manifest under <paramref name="tag"/> without RegistryClient; returns the digest.</summary>
    public async Task<string> PushAsync(LocalRegistry registry, string repository, string tag, CancellationToken ct = default)
    {
        await PushBlobsAsync(registry, repository, ct);
        using var http = registry.CreateHttpClient();
        using var content = new ByteArrayContent(Body) { Headers = { ContentType = new MediaTypeHeaderValue(MediaType) } };
        using var response = await http.PutAsync($"v2/{repository}/manifests/{tag}", content, ct);
        await ExpectAsync(response, HttpStatusCode.Created, ct);
        return Digest;
    }

    private static async Task PushBlobAsync(HttpClient http, string repository, byte[] blob, CancellationToken ct)
    {
        using var start = await http.PostAsync($"v2/{repository}/blobs/uploads/", content: null, ct);
        await ExpectAsync(start, HttpStatusCode.Accepted, ct);
        var location = start.Headers.Location ?? throw new AssertionException("The registry gave no upload Location.");
        var upload = location.IsAbsoluteUri ? location : new Uri(http.BaseAddress!, location);
        var separator = upload.Query.Length > 0 ? "&" : "?";
        using var content = new ByteArrayContent(blob) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } };
        using var finish = await http.PutAsync(new Uri(upload.AbsoluteUri + separator + "digest=" + Uri.EscapeDataString(Digests.Sha256(blob))), content, ct);
        await ExpectAsync(finish, HttpStatusCode.Created, ct);
    }

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken ct)
    {
        if (response.StatusCode != expected)
        {
            throw new AssertionException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}, expected {(int)expected}: " +
                await response.Content.ReadAsStringAsync(ct));
        }
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
