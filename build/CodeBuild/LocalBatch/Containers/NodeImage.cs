using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Build.Debian;
using Cake.Docker;
using Build.Images;
using Cake.Core;

namespace Build.CodeBuild.LocalBatch.Containers;

/// <summary>
/// The image every node container starts from, made here as BaseImage makes its base (mmdebstrap, then a one-layer
/// archive loaded into the engine): Debian with what a CodeBuild image has that the build uses (bash, git, curl,
/// ca-certificates, Docker) and socat for the registry relay. No .NET: a node gets its SDK as a CodeBuild node does, through
/// build.sh's bootstrap or the restored cache. Named by its recipe, so it is made once and kept (like the base).
/// </summary>
public static class NodeImage
{
    public const string Suite = "bookworm";

    public static readonly IReadOnlyList<string> Packages = ["bash", "git", "curl", "ca-certificates", "procps", "docker.io", "iptables", "socat"];

    public static string Reference { get; } =
        "python-images-local-batch:node-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Suite} minbase {string.Join(',', Packages)} v1")))[..12];

    public static async Task<string> EnsureAsync(ICakeContext context, Action<string> log)
    {
        if ((await DockerCli.RunAsync("image", "inspect", "--format", "{{.Id}}", Reference)).Succeeded)
        {
            return Reference;
        }

        var architecture = Architectures.Known.First(a => a.Name == (RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64v8" : "amd64"));
        var work = Directory.CreateTempSubdirectory("local-batch-node-image-").FullName;
        try
        {
            log($"Making the node image {Reference} with mmdebstrap ({Suite}: {string.Join(", ", Packages)}; a minute or two, once)...");
            var rootfs = Path.Combine(work, "rootfs.tar");
            new MmdebstrapRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools)
                .Create(Suite, rootfs, new MmdebstrapSettings { Architecture = architecture.DebianArch, Include = Packages });
            var archive = Path.Combine(work, "image.tar");
            DockerArchive.Write(rootfs, architecture.Platform, Reference, archive, ["/bin/bash"]);
            context.DockerLoad(new DockerImageLoadSettings { Input = archive });
            return Reference;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
