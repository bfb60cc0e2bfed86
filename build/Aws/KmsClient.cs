using System.Text.Json;
using System.Text.Json.Nodes;
using Cake.Core;

namespace Build.Aws;

/// <summary>
/// The two KMS calls signing needs, over <see cref="AwsClient"/> (JSON 1.1, <c>TrentService.*</c>): Sign of a SHA-256
/// digest with ECDSA_SHA_256 (as cosign's awskms signer does: MessageType DIGEST), and GetPublicKey.
/// </summary>
public sealed class KmsClient(AwsClient client)
{
    public const string EcdsaSha256 = "ECDSA_SHA_256";
    public const string P256KeySpec = "ECC_NIST_P256";

    /// <summary>KMS Sign: the ASN.1 DER ECDSA signature of <paramref name="sha256Digest"/> (32 bytes).</summary>
    public async Task<byte[]> SignDigestAsync(string keyId, byte[] sha256Digest, CancellationToken ct = default)
    {
        const string operation = "Sign";
        if (sha256Digest.Length != 32)
        {
            throw new ArgumentException($"A SHA-256 digest has 32 bytes, not {sha256Digest.Length}.", nameof(sha256Digest));
        }

        var request = new JsonObject
        {
            ["KeyId"] = keyId,
            ["Message"] = Convert.ToBase64String(sha256Digest),
            ["MessageType"] = "DIGEST",
            ["SigningAlgorithm"] = EcdsaSha256,
        };
        var answer = await client.CallJsonAsync(AwsService.Kms, operation, request.ToJsonString(), ct).ConfigureAwait(false);
        ThrowIfFailed(operation, keyId, answer);
        return Base64(Parse(answer, operation)["Signature"], operation, "Signature");
    }

    /// <summary>KMS GetPublicKey: the key's DER SubjectPublicKeyInfo; fails unless it is an ECC_NIST_P256 signing key.</summary>
    public async Task<byte[]> GetPublicKeyAsync(string keyId, CancellationToken ct = default)
    {
        const string operation = "GetPublicKey";
        var request = new JsonObject { ["KeyId"] = keyId };
        var answer = await client.CallJsonAsync(AwsService.Kms, operation, request.ToJsonString(), ct).ConfigureAwait(false);
        ThrowIfFailed(operation, keyId, answer);
        var body = Parse(answer, operation);
        var spec = (body["KeySpec"] ?? body["CustomerMasterKeySpec"])?.GetValue<string>();
        var algorithms = body["SigningAlgorithms"]?.AsArray().Select(a => a?.GetValue<string>()).ToList() ?? [];
        if (spec != P256KeySpec || !algorithms.Contains(EcdsaSha256))
        {
            throw new CakeException(
                $"KMS key {keyId} is a {spec ?? "(no KeySpec)"} key with signing algorithms [{string.Join(", ", algorithms)}]: cosign-compatible " +
                $"signing needs an asymmetric {P256KeySpec} key with usage SIGN_VERIFY ({EcdsaSha256}). Create one with " +
                "`aws kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY`.");
        }

        return Base64(body["PublicKey"], operation, "PublicKey");
    }

    private static void ThrowIfFailed(string operation, string keyId, AwsAnswer answer)
    {
        if (answer.Error is { } error)
        {
            throw AwsErrors.Explain(AwsService.Kms, operation, keyId, error);
        }
    }

    private static JsonNode Parse(AwsAnswer answer, string operation)
    {
        try
        {
            return JsonNode.Parse(answer.Body) ?? new JsonObject();
        }
        catch (JsonException e)
        {
            throw new CakeException($"KMS {operation} answered with something that is not JSON: {e.Message}");
        }
    }

    private static byte[] Base64(JsonNode? node, string operation, string field)
    {
        try
        {
            return node?.GetValue<string>() is { Length: > 0 } text
                ? Convert.FromBase64String(text)
                : throw new CakeException($"KMS {operation} answered without {field}.");
        }
        catch (FormatException)
        {
            throw new CakeException($"KMS {operation} answered with a {field} that is not base64.");
        }
    }
}
