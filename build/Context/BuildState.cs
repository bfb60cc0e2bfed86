using Build.Images;
using Build.Registry;

namespace Build.Context;

/// <summary>What the tasks of this run did, for the tasks after them and for the closing summary.</summary>
public sealed class BuildState
{
    public List<BuiltImage> Built { get; } = [];

    public List<PushedImage> Pushed { get; } = [];

    public List<ManifestListPlan> ManifestLists { get; } = [];

    public List<PublishedManifestList> Published { get; } = [];
}

public sealed record BuiltImage(ImageTarget Target, string Reference, string ImageId);

public sealed record PushedImage(ImageTarget Target, string Reference, string Digest);

/// <summary>A version's manifest list being assembled: one entry per architecture, as the registry holds them.</summary>
public sealed class ManifestListPlan(ImageEntry entry)
{
    public ImageEntry Entry { get; } = entry;

    public List<ManifestListEntry> Entries { get; } = [];
}

public sealed class ManifestListEntry(Architecture architecture, string sourceTag, ManifestDescriptor descriptor)
{
    public Architecture Architecture { get; } = architecture;

    public string SourceTag { get; } = sourceTag;

    public ManifestDescriptor Descriptor { get; } = descriptor;

    /// <summary>Set by AnnotateArch; null until then.</summary>
    public Platform? Platform { get; set; }
}

public sealed record PublishedManifestList(string Version, IReadOnlyList<string> References, string Digest, IReadOnlyList<string> Platforms);
