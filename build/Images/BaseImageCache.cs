using System.Security.Cryptography;
using System.Text;

namespace Build.Images;

/// <summary>Where BaseImage caches the root filesystems mmdebstrap made (one tar per suite, arch and package set).</summary>
public static class BaseImageCache
{
    /// <summary>The environment variable that moves the cache (default ~/.cache/python-images).</summary>
    public const string Variable = "PYTHON_IMAGES_CACHE";

    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "python-images");

    /// <summary>Where the root filesystem of an architecture is cached (mmdebstrap runs only when it is not there).</summary>
    public static string RootFilesystemPath(BaseImageSpec spec, Architecture architecture)
    {
        var packagesHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', spec.Packages))))[..8];
        return Path.Combine(CacheDirectory, $"{spec.Suite}-{architecture.DebianArch}-{packagesHash}.tar");
    }
}
