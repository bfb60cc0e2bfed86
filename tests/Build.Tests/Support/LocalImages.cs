using Build.Tests.Registry;

namespace Build.Tests.Support;

/// <summary>The shared engine's images a test made: only those of its own registry (127.0.0.1:PORT/...) are touched.</summary>
public static class LocalImages
{
    /// <summary>Stops the registry after removing the engine's images of it.</summary>
    public static void StopWithImages(LocalRegistry? registry)
    {
        if (registry is not null)
        {
            RemoveAll(registry.Address);
            registry.Dispose();
        }
    }

    public static void RemoveAll(string registry)
    {
        var mine = Shell.Run("docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(reference => reference.StartsWith(registry + "/", StringComparison.Ordinal))
            .ToList();
        if (mine.Count > 0)
        {
            Shell.Run("docker", ["image", "rm", "--force", .. mine]);
        }
    }
}
