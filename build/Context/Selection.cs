using Build.Images;
using Cake.Core;

namespace Build.Context;

/// <summary>
/// What this run covers. Without --arch, every arch of the chosen versions; without --python-version, every version.
/// Manifest tasks always cover every arch of their versions.
/// </summary>
public sealed record Selection(IReadOnlyList<ImageEntry> Versions, IReadOnlyList<ImageTarget> Images)
{
    public static Selection From(ImageMatrix matrix, string? version, string? arch)
    {
        var versions = matrix.Images;
        if (version is not null)
        {
            var entry = matrix.Find(version) ?? throw new CakeException(
                $"Unknown Python version '{version}' (from --python-version or VERSION): the matrix '{matrix.FilePath}' lists {matrix.KnownVersions}.");
            versions = [entry];
        }

        Architecture? only = null;
        if (arch is not null)
        {
            only = Architectures.Find(arch) ?? throw new CakeException(
                $"Unknown architecture '{arch}' (from --arch or ARCH): known architectures are {Architectures.KnownNames}; " +
                $"the matrix '{matrix.FilePath}' builds {string.Join("; ", versions.Select(v => $"{v.Version}: {v.ArchitectureNames}"))}.");

            var missing = versions.Where(v => !v.Architectures.Contains(only)).ToList();
            if (version is not null && missing.Count > 0)
            {
                throw new CakeException(
                    $"Architecture '{arch}' is not built for Python {version} in the matrix '{matrix.FilePath}': it lists {missing[0].ArchitectureNames}.");
            }

            if (missing.Count == versions.Count)
            {
                throw new CakeException(
                    $"Architecture '{arch}' is not built for any version in the matrix '{matrix.FilePath}': " +
                    $"{string.Join("; ", versions.Select(v => $"{v.Version}: {v.ArchitectureNames}"))}.");
            }
        }

        var images = versions
            .SelectMany(v => v.Architectures.Where(a => only is null || a == only).Select(a => new ImageTarget(v, a)))
            .ToList();
        return new Selection(versions, images);
    }
}
