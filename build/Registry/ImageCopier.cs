namespace Build.Registry;

/// <summary>
/// Copies an image registry-to-registry through the registry API, with no rebuild and no docker: each blob the target
/// lacks is read from the source (its digest checked) and uploaded, then the manifest is PUT with its exact bytes, so
/// its digest, and every list pointing at it, stays the same.
/// </summary>
public sealed class ImageCopier(RegistryClient source, RegistryClient target, Action<string>? log = null)
{
    /// <summary>Copies the manifest <paramref name="digest"/> (an image, or an index with its children) and tags it <paramref name="tag"/>.</summary>
    public async Task<Manifest> CopyAsync(string sourceRepository, string targetRepository, string digest, string tag, CancellationToken ct = default)
    {
        var manifest = await CopyManifestAsync(sourceRepository, targetRepository, digest, ct).ConfigureAwait(false);
        await target.PutManifestAsync(targetRepository, tag, manifest, ct).ConfigureAwait(false);
        return manifest;
    }

    private async Task<Manifest> CopyManifestAsync(string sourceRepository, string targetRepository, string digest, CancellationToken ct)
    {
        var manifest = await source.GetManifestAsync(sourceRepository, digest, ct).ConfigureAwait(false)
            ?? throw new RegistryException($"Cannot copy {source.Registry}/{sourceRepository}@{digest}: the source registry has no such manifest.");

        if (manifest.IsIndex)
        {
            foreach (var child in manifest.Descriptors())
            {
                await CopyManifestAsync(sourceRepository, targetRepository, child.Digest, ct).ConfigureAwait(false);
            }
        }
        else
        {
            foreach (var blob in manifest.BlobDigests().Distinct())
            {
                await CopyBlobAsync(sourceRepository, targetRepository, blob, ct).ConfigureAwait(false);
            }
        }

        await target.PutManifestAsync(targetRepository, digest, manifest, ct).ConfigureAwait(false);
        return manifest;
    }

    private async Task CopyBlobAsync(string sourceRepository, string targetRepository, string digest, CancellationToken ct)
    {
        if (await target.BlobExistsAsync(targetRepository, digest, ct).ConfigureAwait(false))
        {
            log?.Invoke($"{target.Registry}/{targetRepository} has blob {digest}");
            return;
        }

        // Blobs can be large: through a temporary file, not memory.
        var file = Path.GetTempFileName();
        try
        {
            await using (var output = File.Create(file))
            {
                await source.DownloadBlobAsync(sourceRepository, digest, output, ct).ConfigureAwait(false);
            }

            await target.UploadBlobAsync(targetRepository, digest, () => File.OpenRead(file), ct).ConfigureAwait(false);
            log?.Invoke($"Copied blob {digest} ({new FileInfo(file).Length} bytes) to {target.Registry}/{targetRepository}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
