using System.Diagnostics;
using System.Security.Cryptography;
using Build.Attestations;
using Build.Attestations.Provenance;
using Build.Attestations.Sbom;
using Build.Context;
using Build.Dockerfiles;
using Build.Images;
using Build.Images.Inputs;
using Build.Registry;
using Build.Signing.Cosign;
using Cake.Common.Diagnostics;

namespace Build.SupplyChain;

/// <summary>
/// The tasks' hooks for arch images: TestImage keeps the inventory its run read, PushImage signs each pushed image and
/// attaches its SBOM and provenance (before the inputs tag marks it published), and keeps a reused image's signature
/// and attestations. Nothing happens without a signing key.
/// </summary>
public static class ArchImageSupplyChain
{
    public const string Tool = "python-images build (Cake Frosting)";

    /// <summary>TestImage: the package inventory its container printed after the probes.</summary>
    public static void RecordInventory(BuildContext context, ImageTarget target, IReadOnlyList<string> output)
    {
        if (context.Signing.Signer is not null && ContainerInventory.Parse(output) is { } inventory)
        {
            context.State.Inventories[target] = inventory;
            context.Verbose("{0}: {1} packages for the SBOM, read in the running image.", target, inventory.Packages.Count);
        }
    }

    /// <summary>PushImage, after a push: sign the image, attach its SBOM and SLSA provenance.</summary>
    public static async Task AttachAsync(BuildContext context, ImageTarget target, string reference, string digest)
    {
        if (context.Signing.Signer is not { } signer)
        {
            return;
        }

        var store = new CosignStore(context.RegistryClient, context.Tags.Repository);
        var image = await ImageDigestAsync(context, target, digest);
        if (image != digest)
        {
            // BuildKit's index with attestation entries: sign the index too, attest the platform's image (what lists point at).
            await store.SignAsync(digest, context.Tags.Name, signer);
        }

        var inventory = context.State.Inventories.GetValueOrDefault(target);
        var previous = inventory is null ? await PreviousImageAsync(context, target) : null;
        var built = context.State.Built.FirstOrDefault(b => b.Target == target);
        var record = await BuildRecordAsync(context, target, built?.Inputs);
        var attached = await new ArchImageAttestor(store, signer, context.Tags.Name, Tool).AttachAsync(image, inventory, previous, record);
        context.Information(
            "Signed {0} ({1}, {2}) and attested its SBOM ({3} components, {4}) and SLSA provenance ({5})",
            reference, image, Describe(attached.Signature), attached.SbomComponents, attached.SbomMethod, Describe(attached.Attestations));
        context.State.Signed.Add(new SignedArtifact(reference, "signed (.sig)", attached.Signature.ManifestDigest));
        context.State.Signed.Add(new SignedArtifact(reference, "SBOM + SLSA provenance (.att)", attached.Attestations.ManifestDigest));
    }

    /// <summary>PushImage, for an image reused by its inputs hash: its signature is per digest (made again only if missing), its attestations stay.</summary>
    public static async Task KeepAsync(BuildContext context, ImageTarget target, string reference, string digest)
    {
        if (context.Signing.Signer is not { } signer)
        {
            return;
        }

        var store = new CosignStore(context.RegistryClient, context.Tags.Repository);
        var image = await ImageDigestAsync(context, target, digest);
        var signature = await store.SignAsync(image, context.Tags.Name, signer);
        var key = await signer.GetVerifierAsync();
        var attestations = (await store.ReadAttestationsAsync(image))
            .Where(a => a.Envelope is { } envelope && envelope.IsSignedBy(key))
            .Select(a => a.PredicateType)
            .ToList();
        context.Information("{0}: signature {1}; SBOM and provenance from the run that built it kept ({2} attestation(s))",
            reference, signature.Added == 0 ? "already there" : "added", attestations.Count);
        if (!attestations.Contains(PredicateTypes.CycloneDx) || !attestations.Contains(PredicateTypes.SlsaProvenanceV1))
        {
            context.Warning(
                "{0} ({1}) was built without an SBOM or provenance signed by this key (an earlier run without --{2}?); --force rebuilds it with them.",
                reference, image, Arguments.SigningKey);
        }

        context.State.Signed.Add(new SignedArtifact(reference, "signed (.sig)", signature.ManifestDigest));
    }

    /// <summary>What the provenance records of the build of <paramref name="target"/>.</summary>
    public static async Task<BuildRecord> BuildRecordAsync(BuildContext context, ImageTarget target, ImageInputs? inputs)
    {
        var buildArgs = ImageBuildSettingsFactory.BuildArgs(context.Tags, target).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        var bases = inputs is not null
            ? inputs.Bases.Select(b => new ResolvedBase(b.Key, b.Value)).ToList()
            : DockerfileChecker.Bases(await File.ReadAllTextAsync(target.Entry.DockerfilePath), buildArgs).Select(b => new ResolvedBase(b, null)).ToList();
        var codeBuild = context.CodeBuild;
        var started = codeBuild.StartTime ?? new DateTimeOffset(Process.GetCurrentProcess().StartTime.ToUniversalTime(), TimeSpan.Zero);
        return new BuildRecord(
            Relative(context, context.Matrix.FilePath),
            target.Version,
            target.Architecture.Name,
            target.Architecture.Platform.ToString(),
            Relative(context, target.Entry.DockerfilePath),
            DockerfileSha256(target),
            buildArgs,
            bases,
            inputs?.Hash,
            context.Source.RepositoryUrl,
            context.Source.Revision,
            codeBuild.BuildArn ?? $"urn:python-images:host:{Environment.MachineName}",
            codeBuild.BuildId ?? $"{Environment.MachineName}:{Environment.ProcessId}:{started.ToUnixTimeMilliseconds()}",
            started,
            DateTimeOffset.UtcNow);
    }

    public static string DockerfileSha256(ImageTarget target)
    {
        using var stream = File.OpenRead(target.Entry.DockerfilePath);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The platform's image manifest under <paramref name="digest"/> (itself, unless the tag holds an index).</summary>
    public static async Task<string> ImageDigestAsync(BuildContext context, ImageTarget target, string digest)
    {
        var manifest = await context.RegistryClient.GetManifestAsync(context.Tags.Repository, digest)
            ?? throw new RegistryException($"{context.Tags.Name}@{digest} is not in the registry.");
        return ManifestListBuilder.ResolvePlatformManifest(manifest, target.Architecture.Platform).Digest;
    }

    // The previous image of the version for this platform (what BuildImage pulled as cache), for an SBOM of the same layers.
    private static async Task<Manifest?> PreviousImageAsync(BuildContext context, ImageTarget target)
    {
        try
        {
            var floating = await context.RegistryClient.GetManifestAsync(context.Tags.Repository, ImageTags.FloatingTag(target.Version));
            return floating is null
                ? null
                : await context.RegistryClient.GetManifestAsync(context.Tags.Repository, ManifestListBuilder.ResolvePlatformManifest(floating, target.Architecture.Platform).Digest);
        }
        catch (Exception e) when (e is RegistryException or FormatException or ArgumentException or InvalidOperationException)
        {
            context.Verbose("No previous image of {0} to take an SBOM from ({1}).", target, e.Message);
            return null;
        }
    }

    private static string Relative(BuildContext context, string path)
    {
        var relative = Path.GetRelativePath(context.Environment.WorkingDirectory.FullPath, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative.Replace('\\', '/');
    }

    private static string Describe(AttachResult result) =>
        result.Added == 0 ? $"{result.Tag} already had it" : $"{result.Tag}: {result.Added} added, {result.Total} in all";
}
