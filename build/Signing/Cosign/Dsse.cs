using System.Text;
using System.Text.Json;

namespace Build.Signing.Cosign;

/// <summary>
/// A DSSE envelope (secure-systems-lab/dsse): the payload, its type, and signatures over the pre-authentication
/// encoding <see cref="Pae"/>, never over the payload alone. Cosign stores one per attestation layer.
/// </summary>
public sealed record DsseEnvelope(string PayloadType, byte[] Payload, IReadOnlyList<DsseSignature> Signatures)
{
    public const string MediaType = "application/vnd.dsse.envelope.v1+json";
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary>PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal bytes.</summary>
    public static byte[] Pae(string payloadType, ReadOnlySpan<byte> payload)
    {
        var type = Encoding.UTF8.GetBytes(payloadType);
        var header = Encoding.ASCII.GetBytes($"DSSEv1 {type.Length} ");
        var middle = Encoding.ASCII.GetBytes($" {payload.Length} ");
        var pae = new byte[header.Length + type.Length + middle.Length + payload.Length];
        header.CopyTo(pae, 0);
        type.CopyTo(pae, header.Length);
        middle.CopyTo(pae, header.Length + type.Length);
        payload.CopyTo(pae.AsSpan(header.Length + type.Length + middle.Length));
        return pae;
    }

    public static async Task<DsseEnvelope> SignAsync(string payloadType, byte[] payload, ISigner signer, CancellationToken ct = default) =>
        new(payloadType, payload, [new DsseSignature("", await signer.SignAsync(Pae(payloadType, payload), ct).ConfigureAwait(false))]);

    /// <summary>True when a signature of the envelope verifies over its PAE with <paramref name="verifier"/>.</summary>
    public bool IsSignedBy(SignatureVerifier verifier)
    {
        var pae = Pae(PayloadType, Payload);
        return Signatures.Any(s => verifier.Verify(pae, s.Sig));
    }

    /// <summary>{"payloadType":…,"payload":base64,"signatures":[{"keyid":"","sig":base64}]}, as cosign writes it.</summary>
    public byte[] ToJson() => CosignJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("payloadType", PayloadType);
        w.WriteString("payload", Convert.ToBase64String(Payload));
        w.WriteStartArray("signatures");
        foreach (var signature in Signatures)
        {
            w.WriteStartObject();
            w.WriteString("keyid", signature.KeyId);
            w.WriteString("sig", Convert.ToBase64String(signature.Sig));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>The envelope in <paramref name="json"/>, or null when it is not one.</summary>
    public static DsseEnvelope? Read(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var signatures = root.TryGetProperty("signatures", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(s => new DsseSignature(
                    s.TryGetProperty("keyid", out var id) ? id.GetString() ?? "" : "",
                    Convert.FromBase64String(s.GetProperty("sig").GetString() ?? ""))).ToList()
                : [];
            return new DsseEnvelope(
                root.GetProperty("payloadType").GetString() ?? "",
                Convert.FromBase64String(root.GetProperty("payload").GetString() ?? ""),
                signatures);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}

public sealed record DsseSignature(string KeyId, byte[] Sig);
