using Build.Registry;

namespace Build.Images;

/// <summary>
/// An architecture as the image tags name it (Docker's official-image convention: amd64, arm64v8, ...)
/// and the platform it builds for. The tag name and the platform are separate things.
/// </summary>
public sealed record Architecture(string Name, Platform Platform, string UnameMachine, string DebianArch)
{
    public override string ToString() => Name;
}

public static class Architectures
{
    // Extend here: Docker's official-image arch names, their OCI platforms, what `uname -m` says inside, Debian's name.
    public static readonly IReadOnlyList<Architecture> Known =
    [
        new("amd64", new Platform("linux", "amd64"), "x86_64", "amd64"),
        new("arm64v8", new Platform("linux", "arm64", "v8"), "aarch64", "arm64"),
        new("arm32v7", new Platform("linux", "arm", "v7"), "armv7l", "armhf"),
        new("ppc64le", new Platform("linux", "ppc64le"), "ppc64le", "ppc64el"),
        new("s390x", new Platform("linux", "s390x"), "s390x", "s390x"),
    ];

    public static string KnownNames => string.Join(", ", Known.Select(a => a.Name));

    public static Architecture? Find(string name) =>
        Known.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.Ordinal));
}
