using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Build.Tests.Aws.Emulator;

/// <summary>The emulator's KMS: ECC_NIST_P256 keys held here, Sign and GetPublicKey.</summary>
public sealed partial class AwsEmulator
{
    /// <summary>A new ECC_NIST_P256 signing key, reachable by its id, its ARN, alias/<paramref name="alias"/> and the alias ARN.</summary>
    public KmsKey AddKmsKey(string alias)
    {
        var id = Guid.NewGuid().ToString();
        var key = new KmsKey(id, $"arn:aws:kms:us-east-1:{Account}:key/{id}", alias, ECDsa.Create(ECCurve.NamedCurves.nistP256));
        foreach (var name in new[] { id, key.Arn, "alias/" + alias, $"arn:aws:kms:us-east-1:{Account}:alias/{alias}" })
        {
            KmsKeys[name] = key;
        }

        return key;
    }

    /// <summary>Keys by every name KMS accepts for them.</summary>
    public ConcurrentDictionary<string, KmsKey> KmsKeys { get; } = new(StringComparer.Ordinal);

    private IResult KmsSign(JsonObject request)
    {
        if (FindKey(request) is not { } key)
        {
            return KmsNotFound(request);
        }

        if (request["SigningAlgorithm"]?.GetValue<string>() != "ECDSA_SHA_256")
        {
            return Error("kms", HttpStatusCode.BadRequest, "InvalidKeyUsageException", $"Signing algorithm {request["SigningAlgorithm"]} is not valid for key {key.Arn}");
        }

        var message = Convert.FromBase64String(request["Message"]?.GetValue<string>() ?? "");
        var type = request["MessageType"]?.GetValue<string>() ?? "RAW";
        if (type == "DIGEST" && message.Length != 32)
        {
            return Error("kms", HttpStatusCode.BadRequest, "ValidationException", "Digest is invalid length for algorithm ECDSA_SHA_256.");
        }

        var digest = type == "DIGEST" ? message : SHA256.HashData(message);
        return Json(new JsonObject
        {
            ["KeyId"] = key.Arn,
            ["Signature"] = Convert.ToBase64String(key.Key.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence)),
            ["SigningAlgorithm"] = "ECDSA_SHA_256",
        });
    }

    private IResult KmsGetPublicKey(JsonObject request) => FindKey(request) is { } key
        ? Json(new JsonObject
        {
            ["KeyId"] = key.Arn,
            ["PublicKey"] = Convert.ToBase64String(key.Key.ExportSubjectPublicKeyInfo()),
            ["CustomerMasterKeySpec"] = "ECC_NIST_P256",
            ["KeySpec"] = "ECC_NIST_P256",
            ["KeyUsage"] = "SIGN_VERIFY",
            ["SigningAlgorithms"] = new JsonArray("ECDSA_SHA_256"),
        })
        : KmsNotFound(request);

    private KmsKey? FindKey(JsonObject request) => request["KeyId"]?.GetValue<string>() is { } id ? KmsKeys.GetValueOrDefault(id) : null;

    private IResult KmsNotFound(JsonObject request) =>
        Error("kms", HttpStatusCode.BadRequest, "NotFoundException", $"Key '{request["KeyId"]}' does not exist");
}

/// <summary>A KMS key the emulator signs with; <see cref="PublicKeyPem"/> is what a verifier outside the product reads.</summary>
public sealed record KmsKey(string Id, string Arn, string Alias, ECDsa Key)
{
    public string PublicKeyPem => Key.ExportSubjectPublicKeyInfoPem();
}
