using Cake.Core.Tooling;

namespace Build.Debian;

/// <summary>Settings of <c>mmdebstrap</c>: a Debian root filesystem for one architecture, as a tarball.</summary>
public sealed class MmdebstrapSettings : ToolSettings
{
    public required string Architecture { get; init; }

    public string Variant { get; init; } = "minbase";

    public IReadOnlyList<string> Include { get; init; } = [];
}
