using System.Globalization;
using System.Text.Json.Nodes;

namespace Build.Attestations.Provenance;

/// <summary>
/// A SLSA provenance v1 predicate (https://slsa.dev/provenance/v1) for an arch image. buildDefinition holds the matrix
/// entry, Dockerfile, build args and platform (externalParameters), the inputs hash (internalParameters), and the
/// source commit, Dockerfile and bases with their digests (resolvedDependencies, told apart by a "role" annotation);
/// runDetails names the builder (the CodeBuild build ARN, else the host) and the run.
/// </summary>
public static class SlsaProvenance
{
    /// <summary>This suite's build type: what the external parameters mean.</summary>
    public const string BuildType = "urn:python-images:build:arch-image:v1";

    public const string RoleAnnotation = "role";
    public const string SourceRole = "source";
    public const string DockerfileRole = "dockerfile";
    public const string BaseRole = "base";

    public static JsonObject Create(BuildRecord build)
    {
        var buildArgs = new JsonObject();
        foreach (var (name, value) in build.BuildArgs.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            buildArgs[name] = value;
        }

        var dependencies = new JsonArray();
        if (build.Commit is { } commit)
        {
            var source = new JsonObject
            {
                ["name"] = "source",
                ["digest"] = new JsonObject { ["gitCommit"] = commit },
                ["annotations"] = new JsonObject { [RoleAnnotation] = SourceRole },
            };
            if (build.SourceRepository is { } repository)
            {
                source["uri"] = $"git+{repository}@{commit}";
            }

            dependencies.Add(source);
        }

        dependencies.Add(new JsonObject
        {
            ["name"] = build.DockerfilePath,
            ["digest"] = new JsonObject { ["sha256"] = build.DockerfileSha256 },
            ["annotations"] = new JsonObject { [RoleAnnotation] = DockerfileRole },
        });
        foreach (var image in build.Bases)
        {
            var dependency = new JsonObject
            {
                ["name"] = image.Reference,
                ["uri"] = "docker://" + image.Reference,
                ["annotations"] = new JsonObject { [RoleAnnotation] = BaseRole, ["platform"] = build.Platform },
            };
            if (image.Digest is { } digest)
            {
                dependency["digest"] = new JsonObject { ["sha256"] = digest["sha256:".Length..] };
            }

            dependencies.Add(dependency);
        }

        var internals = new JsonObject();
        if (build.InputsHash is { } inputs)
        {
            internals["inputsHash"] = inputs;
        }

        return new JsonObject
        {
            ["buildDefinition"] = new JsonObject
            {
                ["buildType"] = BuildType,
                ["externalParameters"] = new JsonObject
                {
                    ["matrix"] = new JsonObject
                    {
                        ["file"] = build.MatrixFile,
                        ["version"] = build.Version,
                        ["architecture"] = build.Architecture,
                        ["dockerfile"] = build.DockerfilePath,
                    },
                    ["platform"] = build.Platform,
                    ["buildArgs"] = buildArgs,
                    ["source"] = new JsonObject { ["repository"] = build.SourceRepository, ["commit"] = build.Commit },
                },
                ["internalParameters"] = internals,
                ["resolvedDependencies"] = dependencies,
            },
            ["runDetails"] = new JsonObject
            {
                ["builder"] = new JsonObject { ["id"] = build.BuilderId },
                ["metadata"] = new JsonObject
                {
                    ["invocationId"] = build.InvocationId,
                    ["startedOn"] = Time(build.StartedOn),
                    ["finishedOn"] = Time(build.FinishedOn),
                },
            },
        };
    }

    /// <summary>The facts a verifier compares, read back from a predicate.</summary>
    public static Facts Read(JsonNode predicate)
    {
        var definition = predicate["buildDefinition"];
        var dependencies = definition?["resolvedDependencies"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        JsonObject? Role(string role) => dependencies.FirstOrDefault(d => d["annotations"]?[RoleAnnotation]?.GetValue<string>() == role);
        return new Facts(
            definition?["externalParameters"]?["matrix"]?["version"]?.GetValue<string>(),
            definition?["externalParameters"]?["platform"]?.GetValue<string>(),
            Role(DockerfileRole)?["digest"]?["sha256"]?.GetValue<string>(),
            dependencies.Where(d => d["annotations"]?[RoleAnnotation]?.GetValue<string>() == BaseRole)
                .Select(d => new ResolvedBase(d["name"]?.GetValue<string>() ?? "", d["digest"]?["sha256"]?.GetValue<string>() is { } hex ? "sha256:" + hex : null))
                .ToList(),
            Role(SourceRole)?["digest"]?["gitCommit"]?.GetValue<string>(),
            definition?["internalParameters"]?["inputsHash"]?.GetValue<string>(),
            predicate["runDetails"]?["builder"]?["id"]?.GetValue<string>());
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public sealed record Facts(string? Version, string? Platform, string? DockerfileSha256, IReadOnlyList<ResolvedBase> Bases, string? Commit, string? InputsHash, string? BuilderId);
}
