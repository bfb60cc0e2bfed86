using System.Security.Cryptography;
using System.Text;
using Build.Context;
using Build.Debian;
using Build.Docker;
using Build.Docker.Push;
using Build.Registry;
using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Docker;

namespace Build.Images;

/// <summary>
/// Makes the matrix's Debian base with mmdebstrap for each architecture and publishes it to the registry as a
/// multi-arch list, so that `docker build --platform` picks the right one. Root filesystems are cached on disk,
/// and nothing is done when the registry already holds the list with every platform.
/// </summary>
public sealed class BaseImagePublisher(BuildContext context, BaseImageSpec spec)
{
    public string Reference => $"{context.RegistryHost}/{spec.Repository}:{spec.Tag}";

    public async Task PublishAsync()
    {
        var architectures = context.Matrix.Architectures;
        if (await IsPublishedAsync(architectures))
        {
            context.Information("Base {0} is in the registry with {1}: nothing to do.", Reference, string.Join(", ", architectures.Select(a => a.Platform)));
            return;
        }

        var entries = new List<(ManifestDescriptor, Platform)>();
        foreach (var architecture in architectures)
        {
            var tag = $"{spec.Tag}-{architecture.Name}";
            var reference = $"{context.RegistryHost}/{spec.Repository}:{tag}";
            var rootfs = EnsureRootFilesystem(architecture);
            var archive = Path.Combine(Path.GetTempPath(), $"base-{Guid.NewGuid():N}.tar");
            try
            {
                DockerArchive.Write(rootfs, architecture.Platform, reference, archive, ["/bin/sh"]);
                context.DockerLoad(new DockerImageLoadSettings { Input = archive }.WithDockerConfig(context.DockerConfigDirectory));
            }
            finally
            {
                File.Delete(archive);
            }

            var reported = context.DockerPushWithRetry(
                new DockerImagePushSettings().WithDockerConfig(context.DockerConfigDirectory), reference, context.Retry, line => context.Warning("{0}", line));
            // The manifest this push reported, not whatever the tag holds by now.
            var pushed = await context.RegistryClient.GetManifestAsync(spec.Repository, reported ?? tag)
                ?? throw new CakeException($"docker push reported success for {reference}, but the registry has no such manifest.");
            entries.Add((pushed.ToDescriptor(), architecture.Platform));
            context.Information("Base {0}: {1}", reference, pushed.Digest);
        }

        var list = ManifestListBuilder.Build(entries);
        await context.RegistryClient.PutManifestAsync(spec.Repository, spec.Tag, list.MediaType, list.Body);
        ManifestListVerifier.ThrowIfInvalid(Reference, await context.RegistryClient.GetManifestAsync(spec.Repository, spec.Tag), entries.ToDictionary(e => e.Item2, e => e.Item1.Digest));
        context.Information("Published base {0} {1}", Reference, list.Digest);
    }

    public IEnumerable<string> Plan() =>
        context.Matrix.Architectures.SelectMany(a => new[]
        {
            $"mmdebstrap --arch={a.DebianArch} --variant=minbase --include={string.Join(',', spec.Packages)} {spec.Suite} (unless cached in {CacheDirectory})",
            DockerImagePusher.Render(DockerImagePusher.GetArguments($"{context.RegistryHost}/{spec.Repository}:{spec.Tag}-{a.Name}", new DockerImagePushSettings())),
        }).Append($"registry API: PUT {context.RegistryHost}/v2/{spec.Repository}/manifests/{spec.Tag} (unless present with every platform)");

    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable(EnvVars.ImagesCache) is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "python-images");

    private async Task<bool> IsPublishedAsync(IReadOnlyList<Architecture> architectures)
    {
        var list = await context.RegistryClient.GetManifestAsync(spec.Repository, spec.Tag);
        if (list is null || !list.IsIndex)
        {
            return false;
        }

        var platforms = list.Descriptors().Select(d => d.Platform).ToHashSet();
        return architectures.All(a => platforms.Contains(a.Platform));
    }

    /// <summary>Where the root filesystem of an architecture is cached (mmdebstrap runs only when it is not there).</summary>
    public static string RootFilesystemPath(BaseImageSpec spec, Architecture architecture)
    {
        var packagesHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', spec.Packages))))[..8];
        return Path.Combine(CacheDirectory, $"{spec.Suite}-{architecture.DebianArch}-{packagesHash}.tar");
    }

    private string EnsureRootFilesystem(Architecture architecture)
    {
        var path = RootFilesystemPath(spec, architecture);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) != Path.GetFullPath(CacheDirectory).TrimEnd(Path.DirectorySeparatorChar))
        {
            // The matrix loader admits only suite names; this keeps any other name from moving files out of the cache.
            throw new CakeException($"The root filesystem cache file for suite '{spec.Suite}' would be outside the cache {CacheDirectory}.");
        }

        if (File.Exists(path))
        {
            context.Information("Root filesystem for {0}: cached {1}", architecture.Platform, path);
            return path;
        }

        Directory.CreateDirectory(CacheDirectory);
        var partial = Path.ChangeExtension(path, ".partial.tar");
        File.Delete(partial);
        context.Information("Making the {0} {1} root filesystem with mmdebstrap (minutes under qemu; cached afterwards)...", spec.Suite, architecture.DebianArch);
        new MmdebstrapRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools)
            .Create(spec.Suite, partial, new MmdebstrapSettings { Architecture = architecture.DebianArch, Include = spec.Packages }, line => context.Information("  {0}", line));
        File.Move(partial, path, overwrite: true);
        return path;
    }
}
