using Build.Attestations.Sbom;
using Build.Docker.Inspect;
using Build.Images;
using Build.Images.Inputs;
using Build.Registry;

namespace Build.Context;

/// <summary>What the tasks of this run did, for the tasks after them and for the closing summary.</summary>
public sealed class BuildState
{
    public List<BuiltImage> Built { get; } = [];

    /// <summary>Images BuildImage did not build: the registry already holds one made of the same inputs.</summary>
    public List<ReusedImage> Reused { get; } = [];

    public bool IsReused(ImageTarget target) => Reused.Any(r => r.Target == target);

    public List<PushedImage> Pushed { get; } = [];

    public List<ManifestListPlan> ManifestLists { get; } = [];

    public List<PublishedManifestList> Published { get; } = [];

    /// <summary>What TestImage read inside each image it ran: the packages of its SBOM.</summary>
    public Dictionary<ImageTarget, PackageInventory> Inventories { get; } = [];

    /// <summary>Cosign signatures and attestations this run attached (or found already there), for the summary.</summary>
    public List<SignedArtifact> Signed { get; } = [];
}

/// <param name="What">"signed (.sig)" or "SBOM + SLSA provenance (.att)".</param>
/// <param name="Digest">The .sig or .att manifest's digest.</param>
public sealed record SignedArtifact(string Reference, string What, string Digest);

/// <param name="Runtime">How the built image runs (platform, layers, start config).</param>
/// <param name="Previous">The previous published image of the version and arch, pulled as build cache, and how it runs (null without one).</param>
public sealed record BuiltImage(ImageTarget Target, string Reference, string ImageId, ImageRuntime Runtime, ImageInputs? Inputs = null, PreviousImage? Previous = null);

public sealed record PreviousImage(string Reference, ImageRuntime Runtime);

/// <summary>An image whose inputs are unchanged: the registry holds it under <paramref name="InputsTag"/> with <paramref name="Digest"/>.</summary>
public sealed record ReusedImage(ImageTarget Target, string Reference, string InputsTag, string Digest);

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

    /// <summary>The platform the list gives this entry: only what AnnotateArch set (PushManifest depends on it).</summary>
    public Platform AnnotatedPlatform => Platform
        ?? throw new InvalidOperationException($"{SourceTag} has no platform: AnnotateArch sets it before PushManifest composes the list.");
}

public sealed record PublishedManifestList(string Version, IReadOnlyList<string> References, string Digest, IReadOnlyList<string> Platforms);
