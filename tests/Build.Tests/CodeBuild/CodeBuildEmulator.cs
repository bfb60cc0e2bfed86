using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Build.Tests.Aws.Emulator;
using Microsoft.AspNetCore.Http;

namespace Build.Tests.CodeBuild;

/// <summary>
/// A CodeBuild JSON 1.1 endpoint on 127.0.0.1 for StartBuildBatch and BatchGetBuildBatches, checking every request and
/// answer against botocore's model. A project's batch runs a scripted graph: each poll advances it one step (a node
/// starts when its dependencies succeeded or ignore failure, and ends with its scripted status the poll after).
/// It is one more service of an <see cref="AwsEmulator"/>: its host, and its check of each request's SigV4 signature
/// against the known credentials.
/// </summary>
public sealed class CodeBuildEmulator : IAsyncDisposable
{
    private readonly AwsEmulator _aws;
    private readonly CodeBuildModel _model = CodeBuildModel.Load();
    private readonly ConcurrentDictionary<string, List<ScriptedNode>> _projects = new();
    private readonly ConcurrentDictionary<string, Batch> _batches = new();
    private readonly ConcurrentQueue<Call> _calls = new();

    private CodeBuildEmulator(AwsEmulator aws)
    {
        _aws = aws;
        aws.AddJsonService(_model.SigningName, _model.TargetPrefix + ".", HandleAsync);
    }

    /// <summary>The endpoint, as AWS_ENDPOINT_URL_CODEBUILD takes it.</summary>
    public string Url => _aws.Url.ToString();

    public IReadOnlyList<Call> Calls => [.. _calls];

    /// <summary>Problems found in requests or answers against the model; a test asserts it stays empty.</summary>
    public ConcurrentQueue<string> ModelViolations { get; } = new();

    public sealed record ScriptedNode(string Identifier, string Status, string[] DependsOn, bool IgnoreFailure = false);

    public sealed record Call(string Operation, string? Authorization, string? ContentType, JsonNode? Body);

    /// <summary>Starts on a free loopback port; requests must be signed with these credentials (the tests' defaults).</summary>
    public static async Task<CodeBuildEmulator> StartAsync(string accessKeyId = "AKIDEMULATOR", string secretAccessKey = "emulator-secret") =>
        new(await AwsEmulator.StartAsync(accessKeyId, secretAccessKey));

    public void AddProject(string name, params ScriptedNode[] graph) => _projects[name] = [.. graph];

    /// <summary>How many StartBuildBatch answers to lose after starting the batch (503), as a dropped connection would.</summary>
    public int LoseStartAnswers { get; set; }

    public int BatchCount => _batches.Count;

    // Reached once the AWS emulator checked the signature (signed for codebuild, with known credentials).
    private async Task HandleAsync(HttpContext http, string operation, byte[] bytes)
    {
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(bytes);
        }
        catch (System.Text.Json.JsonException)
        {
            await ErrorAsync(http, 400, "SerializationException", "the body is not JSON");
            return;
        }

        _calls.Enqueue(new Call(operation, http.Request.Headers.Authorization.ToString(), http.Request.ContentType, body));
        if (http.Request.ContentType != "application/x-amz-json-1.1")
        {
            await ErrorAsync(http, 400, "SerializationException", $"content type {http.Request.ContentType}");
            return;
        }

        if (!_model.HasOperation(operation))
        {
            await ErrorAsync(http, 400, "UnknownOperationException", _model.TargetPrefix + "." + operation);
            return;
        }

        var problems = _model.CheckInput(operation, body).ToList();
        if (problems.Count > 0)
        {
            problems.ForEach(ModelViolations.Enqueue);
            await ErrorAsync(http, 400, "InvalidInputException", string.Join("; ", problems));
            return;
        }

        JsonObject? answer = operation switch
        {
            "StartBuildBatch" => StartBuildBatch(body!),
            "BatchGetBuildBatches" => BatchGetBuildBatches(body!),
            _ => null,
        };
        if (answer is null)
        {
            await ErrorAsync(http, 400, operation == "StartBuildBatch" ? "ResourceNotFoundException" : "InvalidInputException",
                operation == "StartBuildBatch" ? $"Project cannot be found: arn:aws:codebuild:us-east-1:123456789012:project/{body!["projectName"]}" : $"{operation} is not emulated");
            return;
        }

        foreach (var problem in _model.CheckOutput(operation, answer))
        {
            ModelViolations.Enqueue(problem);
        }

        if (operation == "StartBuildBatch" && LoseStartAnswers > 0)
        {
            LoseStartAnswers--;
            await ErrorAsync(http, 503, "ServiceUnavailableException", "Service unavailable");
            return;
        }

        http.Response.ContentType = "application/x-amz-json-1.1";
        http.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await http.Response.WriteAsync(answer.ToJsonString());
    }

    private JsonObject? StartBuildBatch(JsonNode body)
    {
        var project = body["projectName"]!.GetValue<string>();
        if (!_projects.TryGetValue(project, out var graph))
        {
            return null;
        }

        var token = body["idempotencyToken"]?.GetValue<string>();
        var existing = token is null ? null : _batches.Values.FirstOrDefault(b => b.Token == token);
        var batch = existing ?? new Batch($"{project}:{Guid.NewGuid()}", project, body["sourceVersion"]?.GetValue<string>() ?? "main", token, graph);
        _batches[batch.Id] = batch;
        return new JsonObject { ["buildBatch"] = batch.ToJson() };
    }

    private JsonObject BatchGetBuildBatches(JsonNode body)
    {
        var found = new JsonArray();
        var missing = new JsonArray();
        foreach (var id in body["ids"]!.AsArray().Select(i => i!.GetValue<string>()))
        {
            if (_batches.TryGetValue(id, out var batch))
            {
                batch.Step();
                found.Add(batch.ToJson());
            }
            else
            {
                missing.Add(id);
            }
        }

        return new JsonObject { ["buildBatches"] = found, ["buildBatchesNotFound"] = missing };
    }

    private static async Task ErrorAsync(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/x-amz-json-1.1";
        await http.Response.WriteAsync(new JsonObject { ["__type"] = $"com.amazonaws.codebuild#{code}", ["message"] = message }.ToJsonString());
    }

    public ValueTask DisposeAsync() => _aws.DisposeAsync();

    private sealed class Batch(string id, string project, string sourceVersion, string? token, List<ScriptedNode> graph)
    {
        private readonly Dictionary<string, string?> _status = graph.ToDictionary(n => n.Identifier, _ => (string?)null);
        private readonly double _start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        private string _phase = "SUBMITTED";
        private string _batchStatus = "IN_PROGRESS";
        private bool _complete;

        public string Id { get; } = id;

        public string? Token { get; } = token;

        public void Step()
        {
            lock (this)
            {
                if (_complete)
                {
                    return;
                }

                if (_phase == "SUBMITTED")
                {
                    _phase = "IN_PROGRESS";
                    return;
                }

                var changed = false;
                foreach (var node in graph.Where(n => _status[n.Identifier] == "IN_PROGRESS"))
                {
                    _status[node.Identifier] = node.Status;
                    changed = true;
                }

                foreach (var node in graph.Where(n => _status[n.Identifier] is null))
                {
                    var dependencies = node.DependsOn.Select(d => graph.Single(g => g.Identifier == d)).ToList();
                    if (dependencies.All(d => _status[d.Identifier] == "SUCCEEDED" || (d.IgnoreFailure && _status[d.Identifier] is not (null or "IN_PROGRESS"))))
                    {
                        _status[node.Identifier] = "IN_PROGRESS";
                        changed = true;
                    }
                }

                if (!changed)
                {
                    _complete = true;
                    var failed = graph.Any(n => !n.IgnoreFailure && _status[n.Identifier] is not ("SUCCEEDED" or null));
                    _batchStatus = failed ? "FAILED" : "SUCCEEDED";
                    _phase = failed ? "FAILED" : "SUCCEEDED";
                }
            }
        }

        public JsonObject ToJson()
        {
            lock (this)
            {
                var groups = new JsonArray();
                foreach (var node in graph)
                {
                    var group = new JsonObject
                    {
                        ["identifier"] = node.Identifier,
                        ["dependsOn"] = new JsonArray(node.DependsOn.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
                        ["ignoreFailure"] = node.IgnoreFailure,
                    };
                    if (_status[node.Identifier] is { } status)
                    {
                        group["currentBuildSummary"] = new JsonObject
                        {
                            ["arn"] = $"arn:aws:codebuild:us-east-1:123456789012:build/{project}:{node.Identifier}-{Id[^8..]}",
                            ["requestedOn"] = _start,
                            ["buildStatus"] = status,
                        };
                    }

                    groups.Add(group);
                }

                var json = new JsonObject
                {
                    ["id"] = Id,
                    ["arn"] = $"arn:aws:codebuild:us-east-1:123456789012:build-batch/{Id}",
                    ["startTime"] = _start,
                    ["currentPhase"] = _phase,
                    ["buildBatchStatus"] = _batchStatus,
                    ["sourceVersion"] = sourceVersion,
                    ["resolvedSourceVersion"] = sourceVersion,
                    ["projectName"] = project,
                    ["complete"] = _complete,
                    ["buildGroups"] = groups,
                };
                if (_complete)
                {
                    json["endTime"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
                }

                return json;
            }
        }
    }
}
