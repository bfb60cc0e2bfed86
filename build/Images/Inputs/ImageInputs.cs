using System.Security.Cryptography;
using System.Text;
using Build.Images;

namespace Build.Images.Inputs;

/// <summary>
/// What an arch image is made of: the Dockerfile, the build-context files (as .dockerignore selects them), the build
/// args, the platform and each base's digest as its registry reports it. Equal inputs make an equal image, so an
/// image the registry already holds under <see cref="Tag"/> need not be built again.
/// </summary>
public sealed record ImageInputs(string Hash, string Tag)
{
    /// <summary>Each base as the Dockerfile names it (ARGs applied) and the digest its registry gave: the provenance's bases.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Bases { get; init; } = [];

    // The bases are in the hash: equal hashes are equal inputs (a list would compare by reference).
    public bool Equals(ImageInputs? other) => other is not null && Hash == other.Hash && Tag == other.Tag;

    public override int GetHashCode() => HashCode.Combine(Hash, Tag);

    /// <summary>The label that records the hash in the image.</summary>
    public const string Label = "org.python-images.inputs.sha256";

    public static ImageInputs Compute(
        ImageTarget target,
        string dockerfilePath,
        string contextDirectory,
        IEnumerable<KeyValuePair<string, string>> buildArgs,
        IEnumerable<KeyValuePair<string, string>> baseDigests)
    {
        var bases = baseDigests.ToList();
        var text = new StringBuilder();
        text.Append("dockerfile ").Append(FileHash(dockerfilePath)).Append('\n');
        foreach (var file in DockerIgnore.ContextFiles(contextDirectory))
        {
            text.Append("file ").Append(file).Append(' ').Append(FileHash(Path.Combine(contextDirectory, file))).Append('\n');
        }

        foreach (var (name, value) in buildArgs.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            text.Append("arg ").Append(name).Append('=').Append(value).Append('\n');
        }

        text.Append("platform ").Append(target.Architecture.Platform).Append('\n');
        foreach (var (image, digest) in bases)
        {
            text.Append("base ").Append(image).Append(' ').Append(digest).Append('\n');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        return new ImageInputs(hash, TagFor(target, hash)) { Bases = bases };
    }

    /// <summary><c>version-arch.inputs-&lt;24 hex&gt;</c>: readable in a tag list, and unique enough for one repository.</summary>
    public static string TagFor(ImageTarget target, string hash) => $"{target.Version}-{target.Architecture.Name}.inputs-{hash[..24]}";

    private static string FileHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
