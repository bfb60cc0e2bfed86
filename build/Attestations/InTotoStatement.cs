using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Build.Attestations;

/// <summary>An in-toto v1 statement about one image: its subject is the repository and the manifest digest.</summary>
public static class InTotoStatement
{
    public const string Type = "https://in-toto.io/Statement/v1";

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    /// <param name="subjectName">The repository, registry included (what cosign names the subject).</param>
    public static byte[] Create(string subjectName, string digest, string predicateType, JsonNode predicate)
    {
        var statement = new JsonObject
        {
            ["_type"] = Type,
            ["subject"] = new JsonArray(new JsonObject
            {
                ["name"] = subjectName,
                ["digest"] = new JsonObject { ["sha256"] = Hex(digest) },
            }),
            ["predicateType"] = predicateType,
            ["predicate"] = predicate,
        };
        return JsonSerializer.SerializeToUtf8Bytes(statement, Compact);
    }

    /// <summary>The statement's predicate type, subject digests (sha256:…) and predicate; null when it is not a statement.</summary>
    public static Parsed? Read(byte[] statement)
    {
        try
        {
            var root = JsonNode.Parse(statement)?.AsObject();
            if (root is null)
            {
                return null;
            }

            var subjects = root["subject"]?.AsArray()
                .Select(s => s?["digest"]?["sha256"]?.GetValue<string>())
                .Where(d => d is not null)
                .Select(d => "sha256:" + d)
                .ToList() ?? [];
            return new Parsed(root["_type"]?.GetValue<string>(), root["predicateType"]?.GetValue<string>() ?? "", subjects, root["predicate"]);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static string Hex(string digest) => digest.StartsWith("sha256:", StringComparison.Ordinal)
        ? digest["sha256:".Length..]
        : throw new ArgumentException($"'{digest}' is not a sha256 digest.", nameof(digest));

    public sealed record Parsed(string? Type, string PredicateType, IReadOnlyList<string> SubjectDigests, JsonNode? Predicate);
}
