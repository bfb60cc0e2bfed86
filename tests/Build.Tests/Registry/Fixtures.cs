using System.Text;
using Build.Images;
using Build.Registry;

namespace Build.Tests.Registry;

/// <summary>Platforms, digests and manifests for the pure tests.</summary>
internal static class Fixtures
{
    public static readonly Platform Amd64 = new("linux", "amd64");
    public static readonly Platform Arm64V8 = new("linux", "arm64", "v8");
    public static readonly Platform Arm32V7 = new("linux", "arm", "v7");
    public static readonly Platform Unknown = new("unknown", "unknown");

    /// <summary>A made-up digest: sha256: and 64 times <paramref name="c"/>.</summary>
    public static string Digest(char c) => "sha256:" + new string(c, 64);

    public static ManifestDescriptor DockerImage(char c, long size = 500) => new(MediaTypes.DockerManifest, Digest(c), size);

    public static ManifestDescriptor Oci(char c, long size = 500) => new(MediaTypes.OciManifest, Digest(c), size);

    public static Manifest Json(string mediaType, string json) => Manifest.FromBody(mediaType, Encoding.UTF8.GetBytes(json));

    /// <summary>What BuildKit pushes with provenance on: the image plus an attestation manifest for unknown/unknown.</summary>
    public static Manifest BuildKitIndex(Platform platform, char image, char attestation) => Json(MediaTypes.OciIndex, $$"""
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.index.v1+json",
          "manifests": [
            {
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "digest": "{{Digest(image)}}",
              "size": 1234,
              "platform": { "architecture": "{{platform.Architecture}}", "os": "{{platform.Os}}"{{(platform.Variant is null ? "" : $", \"variant\": \"{platform.Variant}\"")}} }
            },
            {
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "digest": "{{Digest(attestation)}}",
              "size": 566,
              "annotations": {
                "vnd.docker.reference.digest": "{{Digest(image)}}",
                "vnd.docker.reference.type": "attestation-manifest"
              },
              "platform": { "architecture": "unknown", "os": "unknown" }
            }
          ]
        }
        """);
}
