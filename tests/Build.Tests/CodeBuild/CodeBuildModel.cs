using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Build.Tests.CodeBuild;

/// <summary>
/// botocore's codebuild 2016-10-06 service model (service-2.json, as the machine's botocore ships it): the emulator
/// checks every request it receives and every answer it gives against the operation's input and output shapes.
/// </summary>
public sealed class CodeBuildModel
{
    private readonly JsonObject _shapes;
    private readonly JsonObject _operations;

    private CodeBuildModel(JsonObject model)
    {
        _shapes = model["shapes"]!.AsObject();
        _operations = model["operations"]!.AsObject();
        TargetPrefix = model["metadata"]!["targetPrefix"]!.GetValue<string>();
        SigningName = model["metadata"]!["signingName"]?.GetValue<string>() ?? model["metadata"]!["endpointPrefix"]!.GetValue<string>();
    }

    public string TargetPrefix { get; }

    public string SigningName { get; }

    public static CodeBuildModel Load()
    {
        var start = new ProcessStartInfo("python3", ["-c", "import botocore, os; print(os.path.dirname(botocore.__file__))"]) { RedirectStandardOutput = true };
        using var python = Process.Start(start)!;
        var root = python.StandardOutput.ReadToEnd().Trim();
        python.WaitForExit();
        var directory = Path.Combine(root, "data", "codebuild", "2016-10-06");
        var plain = Path.Combine(directory, "service-2.json");
        using Stream stream = File.Exists(plain)
            ? File.OpenRead(plain)
            : new GZipStream(File.OpenRead(plain + ".gz"), CompressionMode.Decompress);
        return new CodeBuildModel(JsonNode.Parse(stream)!.AsObject());
    }

    public bool HasOperation(string name) => _operations.ContainsKey(name);

    public IEnumerable<string> CheckInput(string operation, JsonNode? value) => Check(value, _operations[operation]!["input"]!["shape"]!.GetValue<string>(), "request");

    public IEnumerable<string> CheckOutput(string operation, JsonNode? value) => Check(value, _operations[operation]!["output"]!["shape"]!.GetValue<string>(), "answer");

    private IEnumerable<string> Check(JsonNode? value, string shapeName, string path)
    {
        var shape = _shapes[shapeName]!;
        var type = shape["type"]!.GetValue<string>();
        switch (type)
        {
            case "structure":
                if (value is not JsonObject obj)
                {
                    yield return $"{path}: {shapeName} must be an object";
                    yield break;
                }

                var members = shape["members"]!.AsObject();
                foreach (var required in shape["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
                {
                    if (!obj.ContainsKey(required))
                    {
                        yield return $"{path}: {shapeName} requires '{required}'";
                    }
                }

                foreach (var (name, member) in obj)
                {
                    if (!members.ContainsKey(name))
                    {
                        yield return $"{path}: {shapeName} has no member '{name}'";
                        continue;
                    }

                    foreach (var problem in Check(member, members[name]!["shape"]!.GetValue<string>(), $"{path}.{name}"))
                    {
                        yield return problem;
                    }
                }

                break;
            case "list":
                if (value is not JsonArray array)
                {
                    yield return $"{path}: {shapeName} must be a list";
                    yield break;
                }

                foreach (var problem in array.SelectMany((item, i) => Check(item, shape["member"]!["shape"]!.GetValue<string>(), $"{path}[{i}]")))
                {
                    yield return problem;
                }

                break;
            case "string":
                if (value is not JsonValue s || !s.TryGetValue<string>(out var text))
                {
                    yield return $"{path}: {shapeName} must be a string";
                }
                else if (shape["enum"] is JsonArray values && !values.Any(v => v!.GetValue<string>() == text))
                {
                    yield return $"{path}: '{text}' is not one of {shapeName}'s values";
                }

                break;
            case "boolean":
                if (value is not JsonValue b || !b.TryGetValue<bool>(out _))
                {
                    yield return $"{path}: {shapeName} must be a boolean";
                }

                break;
            case "integer" or "long" or "timestamp" or "double":
                if (value is not JsonValue n || !n.TryGetValue<double>(out _))
                {
                    yield return $"{path}: {shapeName} must be a number";
                }

                break;
        }
    }
}
