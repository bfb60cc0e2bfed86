using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Build.Images;
using Build.Registry;
using Build.Signing.Cosign;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.SupplyChain;

/// <summary>
/// Arch images pushed the way BuildKit pushes them with attestations (an index holding the image and an
/// "unknown/unknown" attestation manifest): the manifest node still publishes lists of platform entries only, and signs
/// them beside, not inside.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class CleanListTests
{
    [Test]
    public async Task Should_publish_only_platform_entries_when_arch_images_carry_buildkit_attestations()
    {
        using var registry = await LocalRegistry.StartAsync();
        using var matrix = TempMatrix.TwoByTwo();
        using var docker = new FakeDocker();
        using var key = new TestKeyPair();
        var images = new Dictionary<string, string>();
        foreach (var (platform, arch) in new[] { (new Platform("linux", "amd64"), "amd64"), (new Platform("linux", "arm64", "v8"), "arm64v8") })
        {
            var image = Build.Tests.Registry.TestImage.Create(platform, MediaTypes.OciManifest, label: "clean-" + arch);
            var attestation = Build.Tests.Registry.TestImage.Create(new Platform("unknown", "unknown"), MediaTypes.OciManifest, label: "attestation-" + arch);
            await image.PushAsync(registry, "python", "image-" + arch);
            await attestation.PushAsync(registry, "python", "attestation-" + arch);
            await PutIndexAsync(registry, $"3.8.c1-{arch}", image, attestation, platform);
            images[platform.ToString()] = image.Digest;
        }

        var result = BuildProgram.Run(
            [$"--matrix={matrix.Path}", $"--registry={registry.Address}", "--target=PushManifest", "--python-version=3.8", "--tag-suffix=c1"],
            new Dictionary<string, string?>(docker.Environment) { ["SIGNING_KEY"] = key.PrivatePem });

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        using var client = registry.CreateClient();
        foreach (var tag in new[] { "3.8.c1", "3.8" })
        {
            var list = (await client.GetManifestAsync("python", tag))!;
            Assert.That(list.Descriptors().ToDictionary(d => d.Platform!.ToString(), d => d.Digest), Is.EqualTo(images), tag);
            Assert.That(Encoding.UTF8.GetString(list.Body), Does.Not.Contain("unknown"));
            Assert.That(await client.HeadManifestAsync("python", CosignTags.Signature(list.Digest)), Is.Not.Null, "the signature is beside the list");
            Assert.That(ExternalVerifier.Run("signature", registry.Address, "python", key.PublicKeyPath, tag).ExitCode, Is.EqualTo(0));
        }
    }

    private static async Task PutIndexAsync(LocalRegistry registry, string tag, Build.Tests.Registry.TestImage image, Build.Tests.Registry.TestImage attestation, Platform platform)
    {
        var variant = platform.Variant is null ? "" : $", \"variant\": \"{platform.Variant}\"";
        var index = $$"""
            {
              "schemaVersion": 2,
              "mediaType": "application/vnd.oci.image.index.v1+json",
              "manifests": [
                { "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "{{image.Digest}}", "size": {{image.Body.Length}},
                  "platform": { "architecture": "{{platform.Architecture}}", "os": "{{platform.Os}}"{{variant}} } },
                { "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "{{attestation.Digest}}", "size": {{attestation.Body.Length}},
                  "annotations": { "vnd.docker.reference.digest": "{{image.Digest}}", "vnd.docker.reference.type": "attestation-manifest" },
                  "platform": { "architecture": "unknown", "os": "unknown" } }
              ]
            }
            """;
        using var http = registry.CreateHttpClient();
        using var content = new StringContent(index, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciIndex);
        using var response = await http.PutAsync($"v2/python/manifests/{tag}", content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }
}
