using Build.Registry;

namespace Build.Signing.Cosign;

/// <summary>
/// Signatures and attestations beside the images of one repository, in cosign's layout: the .sig manifest's layers are
/// simple-signing payloads with the signature in an annotation; the .att manifest's layers are DSSE envelopes with a
/// predicateType annotation. Appending keeps the layers already there; the same key over the same payload (or an
/// attestation of the same predicate type this key made) is found and not added twice, so reruns add nothing.
/// </summary>
public sealed class CosignStore(RegistryClient registry, string repository)
{
    public RegistryClient Registry => registry;

    public string Repository => repository;

    /// <summary>Signs <paramref name="digest"/> (image or list) under its .sig tag, unless this key already signed this payload.</summary>
    public async Task<AttachResult> SignAsync(string digest, string dockerReference, ISigner signer, CancellationToken ct = default)
    {
        var payload = SimpleSigning.Create(dockerReference, digest);
        var payloadDigest = Digests.Sha256(payload);
        var tag = CosignTags.Signature(digest);
        var (current, layers) = await ReadLayersAsync(tag, ct).ConfigureAwait(false);
        var verifier = await signer.GetVerifierAsync(ct).ConfigureAwait(false);
        if (current is not null && layers.Any(l => l.MediaType == SimpleSigning.MediaType && l.Digest == payloadDigest
                && verifier.VerifyBase64(payload, l.Annotation(CosignLayer.SignatureAnnotation))))
        {
            return new AttachResult(tag, current.Digest, Added: 0, Total: layers.Count);
        }

        var signature = Convert.ToBase64String(await signer.SignAsync(payload, ct).ConfigureAwait(false));
        var layer = new CosignLayer(SimpleSigning.MediaType, payloadDigest, payload.Length,
            new Dictionary<string, string>(StringComparer.Ordinal) { [CosignLayer.SignatureAnnotation] = signature });
        var written = await WriteAsync(tag, layers, [(layer, payload)], ct).ConfigureAwait(false);
        return new AttachResult(tag, written, Added: 1, Total: layers.Count + 1);
    }

    /// <summary>
    /// Attaches each in-toto statement as a DSSE envelope signed by <paramref name="signer"/>, unless the .att already
    /// holds an attestation of the same predicate type that this key signed (it describes the same image: keep the first).
    /// </summary>
    public async Task<AttachResult> AttestAsync(string digest, IReadOnlyList<(string PredicateType, byte[] Statement)> statements, ISigner signer, CancellationToken ct = default)
    {
        var tag = CosignTags.Attestation(digest);
        var (current, layers) = await ReadLayersAsync(tag, ct).ConfigureAwait(false);
        var verifier = await signer.GetVerifierAsync(ct).ConfigureAwait(false);
        var added = new List<(CosignLayer, byte[])>();
        foreach (var (predicateType, statement) in statements)
        {
            if (await HasOwnAttestationAsync(layers, predicateType, verifier, ct).ConfigureAwait(false))
            {
                continue;
            }

            var envelope = (await DsseEnvelope.SignAsync(DsseEnvelope.InTotoPayloadType, statement, signer, ct).ConfigureAwait(false)).ToJson();
            added.Add((new CosignLayer(DsseEnvelope.MediaType, Digests.Sha256(envelope), envelope.Length, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [CosignLayer.SignatureAnnotation] = "",
                [CosignLayer.PredicateTypeAnnotation] = predicateType,
            }), envelope));
        }

        if (added.Count == 0)
        {
            return new AttachResult(tag, current!.Digest, Added: 0, Total: layers.Count);
        }

        var written = await WriteAsync(tag, layers, added, ct).ConfigureAwait(false);
        return new AttachResult(tag, written, Added: added.Count, Total: layers.Count + added.Count);
    }

    /// <summary>Every simple-signing layer under <paramref name="digest"/>'s .sig tag, with its payload blob; empty when unsigned.</summary>
    public async Task<IReadOnlyList<StoredSignature>> ReadSignaturesAsync(string digest, CancellationToken ct = default)
    {
        var (_, layers) = await ReadLayersAsync(CosignTags.Signature(digest), ct).ConfigureAwait(false);
        var signatures = new List<StoredSignature>();
        foreach (var layer in layers.Where(l => l.MediaType == SimpleSigning.MediaType))
        {
            signatures.Add(new StoredSignature(await ReadBlobAsync(layer.Digest, ct).ConfigureAwait(false), layer.Annotation(CosignLayer.SignatureAnnotation)));
        }

        return signatures;
    }

    /// <summary>Every DSSE layer under <paramref name="digest"/>'s .att tag, with its predicateType annotation; empty when none.</summary>
    public async Task<IReadOnlyList<StoredAttestation>> ReadAttestationsAsync(string digest, CancellationToken ct = default)
    {
        var (_, layers) = await ReadLayersAsync(CosignTags.Attestation(digest), ct).ConfigureAwait(false);
        var attestations = new List<StoredAttestation>();
        foreach (var layer in layers.Where(l => l.MediaType == DsseEnvelope.MediaType))
        {
            attestations.Add(new StoredAttestation(layer.Annotation(CosignLayer.PredicateTypeAnnotation), DsseEnvelope.Read(await ReadBlobAsync(layer.Digest, ct).ConfigureAwait(false))));
        }

        return attestations;
    }

    /// <summary>
    /// Copies the .sig and .att of <paramref name="digest"/> to another registry with their exact bytes (so their digests
    /// stay); returns the tags copied.
    /// </summary>
    public async Task<IReadOnlyList<string>> CopyAsync(string digest, RegistryClient target, string targetRepository, Action<string>? log = null, CancellationToken ct = default)
    {
        var copied = new List<string>();
        var copier = new ImageCopier(registry, target, log);
        foreach (var tag in new[] { CosignTags.Signature(digest), CosignTags.Attestation(digest) })
        {
            if (await registry.HeadManifestAsync(repository, tag, ct).ConfigureAwait(false) is { } manifest)
            {
                await copier.CopyAsync(repository, targetRepository, manifest.Digest, tag, ct).ConfigureAwait(false);
                copied.Add(tag);
            }
        }

        return copied;
    }

    private async Task<bool> HasOwnAttestationAsync(IReadOnlyList<CosignLayer> layers, string predicateType, SignatureVerifier verifier, CancellationToken ct)
    {
        foreach (var layer in layers.Where(l => l.MediaType == DsseEnvelope.MediaType && l.Annotation(CosignLayer.PredicateTypeAnnotation) == predicateType))
        {
            if (DsseEnvelope.Read(await ReadBlobAsync(layer.Digest, ct).ConfigureAwait(false)) is { } envelope && envelope.IsSignedBy(verifier))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<(Manifest? Manifest, IReadOnlyList<CosignLayer> Layers)> ReadLayersAsync(string tag, CancellationToken ct)
    {
        var manifest = await registry.GetManifestAsync(repository, tag, ct).ConfigureAwait(false);
        return manifest is null ? (null, []) : (manifest, CosignManifest.Layers(manifest));
    }

    private async Task<string> WriteAsync(string tag, IReadOnlyList<CosignLayer> existing, IReadOnlyList<(CosignLayer Layer, byte[] Blob)> added, CancellationToken ct)
    {
        foreach (var (layer, blob) in added)
        {
            await UploadAsync(layer.Digest, blob, ct).ConfigureAwait(false);
        }

        IReadOnlyList<CosignLayer> layers = [.. existing, .. added.Select(a => a.Layer)];
        var config = CosignManifest.Config(layers);
        await UploadAsync(Digests.Sha256(config), config, ct).ConfigureAwait(false);
        return await registry.PutManifestAsync(repository, tag, CosignManifest.Create(config, layers), ct).ConfigureAwait(false);
    }

    private async Task UploadAsync(string digest, byte[] blob, CancellationToken ct)
    {
        if (!await registry.BlobExistsAsync(repository, digest, ct).ConfigureAwait(false))
        {
            await registry.UploadBlobAsync(repository, digest, () => new MemoryStream(blob, writable: false), ct).ConfigureAwait(false);
        }
    }

    private async Task<byte[]> ReadBlobAsync(string digest, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await registry.DownloadBlobAsync(repository, digest, buffer, ct).ConfigureAwait(false);
        return buffer.ToArray();
    }
}

/// <summary>What an attach did: the tag, the manifest it now holds, how many layers were added and how many there are.</summary>
public sealed record AttachResult(string Tag, string ManifestDigest, int Added, int Total);

public sealed record StoredSignature(byte[] Payload, string? Base64Signature);

/// <summary>An attestation layer: its predicateType annotation and envelope (null when the blob is not a DSSE envelope).</summary>
public sealed record StoredAttestation(string? PredicateType, DsseEnvelope? Envelope);
