using Build.Debian;
using Build.Docker;
using Build.Docker.Push;
using Build.Images;
using Build.Registry;
using Build.Steps.PublishArchImage;
using Build.Steps.PublishManifestList;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Docker;

namespace Build.Steps.PublishBaseImage;

/// <summary>
/// Makes the matrix's Debian base with mmdebstrap for each architecture and publishes it to the registry as a
/// multi-arch list, so that `docker build --platform` picks the right one. Root filesystems are cached on disk
/// (<see cref="BaseImageCache"/>), and nothing is done when the registry already holds the list with every platform.
/// </summary>
/// <param name="cake">Cake's context: docker load, mmdebstrap and the log.</param>
/// <param name="docker">docker push (with retries).</param>
public sealed class BaseImagePublisher(
    ICakeContext cake, IImageDocker docker, RegistryClient registry, string registryHost, string? dockerConfig, BaseImageSpec spec, IReadOnlyList<Architecture> architectures)
{
    public string Reference => $"{registryHost}/{spec.Repository}:{spec.Tag}";

    public async Task PublishAsync()
    {
        var log = cake.Log;
        if (await IsPublishedAsync())
        {
            log.Information("Base {0} is in the registry with {1}: nothing to do.", Reference, string.Join(", ", architectures.Select(a => a.Platform)));
            return;
        }

        var entries = new List<(ManifestDescriptor, Platform)>();
        foreach (var architecture in architectures)
        {
            var tag = $"{spec.Tag}-{architecture.Name}";
            var reference = $"{registryHost}/{spec.Repository}:{tag}";
            var rootfs = EnsureRootFilesystem(architecture);
            var archive = Path.Combine(Path.GetTempPath(), $"base-{Guid.NewGuid():N}.tar");
            try
            {
                DockerArchive.Write(rootfs, architecture.Platform, reference, archive, ["/bin/sh"]);
                cake.DockerLoad(new DockerImageLoadSettings { Input = archive }.WithDockerConfig(dockerConfig));
            }
            finally
            {
                File.Delete(archive);
            }

            // The manifest this push reported (and the tag holds), not whatever the tag holds by now.
            var digest = await new CheckedPush(docker, registry).PushAsync(reference, spec.Repository, tag);
            var pushed = await registry.GetManifestAsync(spec.Repository, digest)
                ?? throw new CakeException($"docker push reported success for {reference}, but the registry has no such manifest.");
            entries.Add((pushed.ToDescriptor(), architecture.Platform));
            log.Information("Base {0}: {1}", reference, pushed.Digest);
        }

        var (list, expected) = ManifestListPublisher.Compose(entries);
        await new ManifestListPublisher(registry, spec.Repository, $"{registryHost}/{spec.Repository}", log).PublishAsync([spec.Tag], list, expected, verb: null);
        log.Information("Published base {0} {1}", Reference, list.Digest);
    }

    public static IEnumerable<string> Plan(string registryHost, BaseImageSpec spec, IReadOnlyList<Architecture> architectures) =>
        architectures.SelectMany(a => new[]
        {
            $"mmdebstrap --arch={a.DebianArch} --variant=minbase --include={string.Join(',', spec.Packages)} {spec.Suite} (unless cached in {BaseImageCache.CacheDirectory})",
            DockerImagePusher.Render(DockerImagePusher.GetArguments($"{registryHost}/{spec.Repository}:{spec.Tag}-{a.Name}", new DockerImagePushSettings())),
        }).Append($"registry API: PUT {registryHost}/v2/{spec.Repository}/manifests/{spec.Tag} (unless present with every platform)");

    private async Task<bool> IsPublishedAsync()
    {
        var list = await registry.GetManifestAsync(spec.Repository, spec.Tag);
        if (list is null || !list.IsIndex)
        {
            return false;
        }

        var platforms = list.Descriptors().Select(d => d.Platform).ToHashSet();
        return architectures.All(a => platforms.Contains(a.Platform));
    }

    private string EnsureRootFilesystem(Architecture architecture)
    {
        var cacheDirectory = BaseImageCache.CacheDirectory;
        var path = BaseImageCache.RootFilesystemPath(spec, architecture);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) != Path.GetFullPath(cacheDirectory).TrimEnd(Path.DirectorySeparatorChar))
        {
            // The matrix loader admits only suite names; this keeps any other name from moving files out of the cache.
            throw new CakeException($"The root filesystem cache file for suite '{spec.Suite}' would be outside the cache {cacheDirectory}.");
        }

        if (File.Exists(path))
        {
            cake.Log.Information("Root filesystem for {0}: cached {1}", architecture.Platform, path);
            return path;
        }

        Directory.CreateDirectory(cacheDirectory);
        var partial = Path.ChangeExtension(path, ".partial.tar");
        File.Delete(partial);
        cake.Log.Information("Making the {0} {1} root filesystem with mmdebstrap (minutes under qemu; cached afterwards)...", spec.Suite, architecture.DebianArch);
        new MmdebstrapRunner(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools)
            .Create(spec.Suite, partial, new MmdebstrapSettings { Architecture = architecture.DebianArch, Include = spec.Packages }, line => cake.Log.Information("  {0}", line));
        File.Move(partial, path, overwrite: true);
        return path;
    }
}
