using Build.Tests.CodeBuild;
using Build.Tests.Support;
using static Build.Tests.CodeBuild.CodeBuildEmulator;

namespace Build.Tests.Integration;

/// <summary>StartBatch as a user runs it, against a CodeBuild emulator that follows botocore's model.</summary>
[Parallelizable(ParallelScope.None)]
public sealed class StartBatchTests
{
    private CodeBuildEmulator _codeBuild = null!;
    private FakeDocker _docker = null!;

    [SetUp]
    public async Task SetUp()
    {
        _codeBuild = await CodeBuildEmulator.StartAsync();
        _docker = new FakeDocker();
    }

    [TearDown]
    public async Task TearDown()
    {
        Assert.That(_codeBuild.ModelViolations, Is.Empty, "a request or an answer did not follow botocore's codebuild model");
        await _codeBuild.DisposeAsync();
        _docker.Dispose();
    }

    [Test]
    public void Should_start_the_batch_at_the_current_commit_follow_it_and_succeed()
    {
        _codeBuild.AddProject("python-images",
            new ScriptedNode("amd64_py37", "SUCCEEDED", []),
            new ScriptedNode("arm64v8_py37", "SUCCEEDED", []),
            new ScriptedNode("manifest_py37", "SUCCEEDED", ["amd64_py37", "arm64v8_py37"]));

        var result = StartBatch("--codebuild-project=python-images", "--registry=123456789012.dkr.ecr.us-east-1.amazonaws.com");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var start = _codeBuild.Calls.First();
        Assert.That(start.Operation, Is.EqualTo("StartBuildBatch"));
        Assert.That(start.Body!["projectName"]!.GetValue<string>(), Is.EqualTo("python-images"));
        Assert.That(start.Body!["sourceVersion"]!.GetValue<string>(), Is.EqualTo(DebianBaseGit("rev-parse", "HEAD")));
        Assert.That(start.Body!["idempotencyToken"]!.GetValue<string>(), Has.Length.GreaterThanOrEqualTo(32));
        Assert.That(start.Body!["environmentVariablesOverride"]![0]!.ToJsonString(), Is.EqualTo("""{"name":"REGISTRY","value":"123456789012.dkr.ecr.us-east-1.amazonaws.com","type":"PLAINTEXT"}"""));
        Assert.That(start.Authorization, Does.StartWith("AWS4-HMAC-SHA256 Credential=AKIDEMULATOR/").And.Contain("/us-east-1/codebuild/aws4_request").And.Contain("x-amz-target"));
        Assert.That(_codeBuild.Calls.Skip(1).Select(c => c.Operation), Is.Not.Empty.And.All.EqualTo("BatchGetBuildBatches"));

        Assert.That(result.Output, Does.Match(@"arm64v8_py37 IN_PROGRESS").And.Match(@"manifest_py37 SUCCEEDED"));
        Assert.That(result.Output.IndexOf("amd64_py37 SUCCEEDED", StringComparison.Ordinal), Is.LessThan(result.Output.IndexOf("manifest_py37 IN_PROGRESS", StringComparison.Ordinal)));
        Assert.That(result.Output, Does.Match(@"manifest_py37\s+SUCCEEDED\s").And.Contain("succeeded"));
    }

    [Test]
    public void Should_report_the_failed_node_and_the_nodes_it_blocked_and_exit_non_zero()
    {
        _codeBuild.AddProject("python-images",
            new ScriptedNode("amd64_py37", "SUCCEEDED", []),
            new ScriptedNode("arm64v8_py37", "FAILED", []),
            new ScriptedNode("amd64_py38", "SUCCEEDED", []),
            new ScriptedNode("arm64v8_py38", "SUCCEEDED", []),
            new ScriptedNode("manifest_py37", "SUCCEEDED", ["amd64_py37", "arm64v8_py37"]),
            new ScriptedNode("manifest_py38", "SUCCEEDED", ["amd64_py38", "arm64v8_py38"]));

        var result = StartBatch("--codebuild-project=python-images");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Match(@"arm64v8_py37\s+FAILED \(build arn:aws:codebuild:"));
        Assert.That(result.Output, Does.Match(@"manifest_py37\s+SKIPPED"));
        Assert.That(result.Output, Does.Match(@"manifest_py38\s+SUCCEEDED"));
        Assert.That(result.Output, Does.Contain("ended FAILED: arm64v8_py37 did not succeed"));
        Assert.That(_codeBuild.Calls[0].Body!["environmentVariablesOverride"], Is.Null);
    }

    [Test]
    public void Should_retry_a_lost_start_with_the_same_token_and_start_one_batch()
    {
        _codeBuild.AddProject("python-images", new ScriptedNode("amd64_py37", "SUCCEEDED", []));
        _codeBuild.LoseStartAnswers = 1;

        var result = StartBatch("--codebuild-project=python-images");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var starts = _codeBuild.Calls.Where(c => c.Operation == "StartBuildBatch").ToList();
        Assert.That(starts, Has.Count.EqualTo(2));
        Assert.That(starts[1].Body!["idempotencyToken"]!.GetValue<string>(), Is.EqualTo(starts[0].Body!["idempotencyToken"]!.GetValue<string>()));
        Assert.That(_codeBuild.BatchCount, Is.EqualTo(1));
    }

    [Test]
    public void Should_name_a_project_codebuild_does_not_know()
    {
        var result = StartBatch("--codebuild-project=nope");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("CodeBuild StartBuildBatch: Project cannot be found").And.Contain("project/nope").And.Contain("--codebuild-project"));
    }

    [Test]
    public void Should_ask_for_the_project()
    {
        var result = StartBatch();

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("--codebuild-project=<name>"));
        Assert.That(_codeBuild.Calls, Is.Empty);
    }

    private BuildProgram.Result StartBatch(params string[] arguments) =>
        BuildProgram.Run(
            ["--target=StartBatch", "--poll-interval=0.05", .. arguments],
            new Dictionary<string, string?>(_docker.Environment)
            {
                ["AWS_ACCESS_KEY_ID"] = "AKIDEMULATOR",
                ["AWS_SECRET_ACCESS_KEY"] = "emulator-secret",
                ["AWS_SESSION_TOKEN"] = null,
                ["AWS_PROFILE"] = null,
                ["AWS_REGION"] = "us-east-1",
                ["AWS_ENDPOINT_URL_CODEBUILD"] = _codeBuild.Url,
            },
            TimeSpan.FromMinutes(2));

    private static string DebianBaseGit(params string[] arguments) => Shell.Run("git", ["-C", BuildProgram.RepositoryRoot, .. arguments]).Trim();
}
