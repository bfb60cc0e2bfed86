namespace Build.Images;

/// <summary>One image this run builds or pushes: a matrix entry for one architecture.</summary>
public sealed record ImageTarget(ImageEntry Entry, Architecture Architecture)
{
    public string Version => Entry.Version;

    public override string ToString() => $"{Entry.Version}/{Architecture.Name}";
}
