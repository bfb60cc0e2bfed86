namespace Build.Registry;

/// <summary>An OCI platform: what a manifest list entry says it runs on (os/architecture[/variant]).</summary>
public sealed record Platform(string Os, string Architecture, string? Variant = null)
{
    public static Platform Parse(string value)
    {
        var parts = value.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            throw new FormatException($"'{value}' is not a platform: expected os/architecture[/variant], e.g. linux/arm64/v8.");
        }

        return new Platform(parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
    }

    /// <summary>True when an image built for <paramref name="other"/> runs natively here (variants aside).</summary>
    public bool IsSameMachineAs(Platform other) =>
        string.Equals(Os, other.Os, StringComparison.Ordinal) &&
        string.Equals(Architecture, other.Architecture, StringComparison.Ordinal);

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
