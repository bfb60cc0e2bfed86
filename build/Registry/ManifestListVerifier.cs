
namespace Build.Registry;

/// <summary>Checks a manifest list read back from the registry against the platform → digest map that was pushed.</summary>
public static class ManifestListVerifier
{
    /// <summary>Every difference; empty when the list has exactly the expected platforms at the expected digests.</summary>
    public static IReadOnlyList<ManifestProblem> Verify(Manifest actual, IReadOnlyDictionary<Platform, string> expected)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        if (!actual.IsIndex)
        {
            return [new ManifestProblem(ManifestProblemKind.NotAList, null, null, actual.Digest, $"{actual.Digest} is a {actual.MediaType}")];
        }

        IReadOnlyList<ManifestDescriptor> entries;
        try
        {
            entries = actual.Descriptors();
        }
        catch (FormatException e)
        {
            return [new ManifestProblem(ManifestProblemKind.NotAList, null, null, actual.Digest, e.Message)];
        }

        var problems = new List<ManifestProblem>();
        foreach (var (platform, digest) in expected.OrderBy(e => e.Key.ToString(), StringComparer.Ordinal))
        {
            var found = entries.Where(e => e.Platform == platform).ToList();
            problems.AddRange(found.Count switch
            {
                0 => [new ManifestProblem(ManifestProblemKind.Missing, platform, digest, null)],
                1 when found[0].Digest == digest => [],
                1 => [new ManifestProblem(ManifestProblemKind.WrongDigest, platform, digest, found[0].Digest)],
                _ => [new ManifestProblem(ManifestProblemKind.Duplicate, platform, digest, string.Join(", ", found.Select(f => f.Digest)))],
            });
        }

        problems.AddRange(entries
            .Where(e => e.Platform is null || !expected.ContainsKey(e.Platform))
            .Select(e => new ManifestProblem(ManifestProblemKind.Extra, e.Platform, null, e.Digest)));
        return problems;
    }

    /// <summary>Throws one message naming the tag and, per platform, the expected and actual digests.</summary>
    public static void ThrowIfInvalid(string tag, Manifest? actual, IReadOnlyDictionary<Platform, string> expected)
    {
        if (actual is null)
        {
            throw new RegistryException($"Manifest list {tag} was not found after it was pushed.");
        }

        var problems = Verify(actual, expected);
        if (problems.Count > 0)
        {
            throw new RegistryException(
                $"Manifest list {tag} ({actual.Digest}) is not what was pushed:{Environment.NewLine}" +
                string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
        }
    }
}
