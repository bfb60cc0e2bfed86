using Cake.Core;

namespace Build.Signing;

/// <summary>Where a key is, as --signing-key and --public-key name it: a PEM file, or a KMS key (cosign's awskms:/// URI).</summary>
public abstract record KeyReference
{
    public const string KmsScheme = "awskms://";

    /// <param name="option">The option or variable the value came from, for messages (e.g. "--signing-key").</param>
    public static KeyReference Parse(string value, string option)
    {
        if (value.StartsWith(KmsScheme, StringComparison.OrdinalIgnoreCase))
        {
            return KmsKeyReference.Parse(value, option);
        }

        if (value.Contains("://", StringComparison.Ordinal))
        {
            throw new CakeException(
                $"{option} '{value}' is neither a PEM file nor a KMS key: give a file path (e.g. {option}=keys/cosign.pem) or " +
                $"{KmsScheme}/<key id, alias/name or key ARN> (e.g. {option}=awskms:///alias/python-images).");
        }

        return new KeyFileReference(value);
    }
}

public sealed record KeyFileReference(string Path) : KeyReference
{
    public override string ToString() => $"key file {Path}";
}

/// <summary>A KMS key id, alias (alias/name) or ARN; an ARN carries the key's region.</summary>
public sealed record KmsKeyReference(string KeyId) : KeyReference
{
    /// <summary>The region of a key or alias ARN (arn:aws:kms:REGION:account:key/...), else null (the run's region).</summary>
    public string? Region => KeyId.StartsWith("arn:", StringComparison.Ordinal) && KeyId.Split(':') is { Length: >= 6 } parts && parts[3].Length > 0
        ? parts[3]
        : null;

    public static new KmsKeyReference Parse(string value, string option)
    {
        var rest = value[KmsScheme.Length..];
        if (!rest.StartsWith('/'))
        {
            throw new CakeException(
                $"{option} '{value}' names a KMS endpoint ({rest.Split('/')[0]}): give awskms:///<key> (three slashes) and set " +
                "AWS_ENDPOINT_URL_KMS for another endpoint.");
        }

        var keyId = rest[1..];
        var valid = keyId.Length is > 0 and <= 2048 && !keyId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            && (keyId.StartsWith("alias/", StringComparison.Ordinal) || keyId.StartsWith("arn:aws", StringComparison.Ordinal)
                || keyId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
        return valid
            ? new KmsKeyReference(keyId)
            : throw new CakeException(
                $"{option} '{value}' does not name a KMS key: give awskms:///<key id>, awskms:///alias/<name>, or awskms:///<key or alias ARN>.");
    }

    public override string ToString() => $"{KmsScheme}/{KeyId}";
}
