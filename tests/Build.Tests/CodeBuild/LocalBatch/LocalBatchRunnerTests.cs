using Build.CodeBuild.Buildspecs;
using Build.CodeBuild.LocalBatch;

namespace Build.Tests.CodeBuild.LocalBatch;

/// <summary>The scheduling rules of a local batch, with nodes that run shell commands instead of ./build.sh.</summary>
public sealed class LocalBatchRunnerTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("local-batch-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Should_run_independent_nodes_at_once_and_dependents_after_them()
    {
        var runner = Runner(
            """
            - identifier: a
              buildspec: sleep.yml
            - identifier: b
              buildspec: sleep.yml
            - identifier: c
              buildspec: ok.yml
              depend-on: [a, b]
            """,
            parallel: 2);

        await runner.RunAsync();

        var (a, b, c) = (Node(runner, "a"), Node(runner, "b"), Node(runner, "c"));
        Assert.That(runner.Nodes.Select(n => n.State), Is.All.EqualTo(NodeState.Succeeded));
        Assert.That(Overlap(a, b), Is.True, "a and b ran at the same time");
        Assert.That(c.Started >= a.Ended && c.Started >= b.Ended, Is.True, "c started after a and b ended");
    }

    [Test]
    public async Task Should_run_one_node_at_a_time_with_parallel_1()
    {
        var runner = Runner(
            """
            - identifier: a
              buildspec: sleep.yml
            - identifier: b
              buildspec: sleep.yml
            """,
            parallel: 1);

        await runner.RunAsync();

        var (a, b) = (Node(runner, "a"), Node(runner, "b"));
        Assert.That(Overlap(a, b), Is.False, $"a {a.Started:O}-{a.Ended:O}, b {b.Started:O}-{b.Ended:O}");
    }

    [Test]
    public async Task Should_run_nodes_of_one_arch_together_but_never_two_archs_at_once_on_the_shared_engine()
    {
        var runner = Runner(
            """
            - identifier: amd64_a
              buildspec: sleep.yml
              env: { variables: { ARCH: amd64 } }
            - identifier: arm64v8_a
              buildspec: sleep.yml
              env: { variables: { ARCH: arm64v8 } }
            - identifier: amd64_b
              buildspec: sleep.yml
              env: { variables: { ARCH: amd64 } }
            - identifier: manifest
              buildspec: sleep.yml
            """,
            parallel: 4);

        await runner.RunAsync();

        var (amd64A, arm64, amd64B, manifest) = (Node(runner, "amd64_a"), Node(runner, "arm64v8_a"), Node(runner, "amd64_b"), Node(runner, "manifest"));
        Assert.That(runner.Nodes.Select(n => n.State), Is.All.EqualTo(NodeState.Succeeded));
        Assert.That(Overlap(amd64A, amd64B), Is.True, "two amd64 nodes ran together");
        Assert.That(Overlap(amd64A, arm64) || Overlap(amd64B, arm64), Is.False, "an arm64v8 node ran while an amd64 node did");
        Assert.That(Overlap(manifest, amd64A), Is.True, "a node without ARCH is not held back");
    }

    [Test]
    public async Task Should_skip_the_dependents_of_a_failed_node_and_run_the_rest()
    {
        var runner = Runner(
            """
            - identifier: broken
              buildspec: fail.yml
            - identifier: after_broken
              buildspec: ok.yml
              depend-on: [broken]
            - identifier: other
              buildspec: sleep.yml
            - identifier: after_other
              buildspec: ok.yml
              depend-on: [other]
            """);

        await runner.RunAsync();

        Assert.That(Node(runner, "broken").State, Is.EqualTo(NodeState.Failed));
        Assert.That(Node(runner, "broken").Reason, Is.EqualTo("exit code 3"));
        Assert.That(Node(runner, "after_broken").State, Is.EqualTo(NodeState.Skipped));
        Assert.That(Node(runner, "after_broken").Reason, Does.Contain("broken"));
        Assert.That(Node(runner, "after_other").State, Is.EqualTo(NodeState.Succeeded));
        Assert.That(File.ReadAllText(Node(runner, "broken").LogPath), Does.Contain("about to fail"));
    }

    [Test]
    public async Task Should_run_dependents_of_a_failed_node_that_ignores_failure()
    {
        var runner = Runner(
            """
            - identifier: broken
              buildspec: fail.yml
              ignore-failure: true
            - identifier: after_broken
              buildspec: ok.yml
              depend-on: [broken]
            """);

        await runner.RunAsync();

        Assert.That(Node(runner, "broken").State, Is.EqualTo(NodeState.Failed));
        Assert.That(Node(runner, "after_broken").State, Is.EqualTo(NodeState.Succeeded));
    }

    [Test]
    public async Task Should_stop_running_nodes_and_start_no_more_on_fast_fail()
    {
        var runner = Runner(
            """
            - identifier: broken
              buildspec: fail.yml
            - identifier: slow
              buildspec: slow.yml
            - identifier: queued
              buildspec: ok.yml
            """,
            parallel: 2,
            fastFail: true);

        await runner.RunAsync();

        Assert.That(Node(runner, "broken").State, Is.EqualTo(NodeState.Failed));
        Assert.That(Node(runner, "slow").State, Is.EqualTo(NodeState.Stopped));
        Assert.That(Node(runner, "slow").Elapsed(DateTimeOffset.UtcNow), Is.LessThan(TimeSpan.FromSeconds(20)), "the slow node was killed, not waited for");
        Assert.That(Node(runner, "queued").State, Is.EqualTo(NodeState.Stopped));
        Assert.That(Node(runner, "queued").Started, Is.Null);
    }

    [Test]
    public async Task Should_stop_running_nodes_with_sigterm_first_on_fast_fail()
    {
        // The node traps SIGTERM as a build that cleans up would (the program removes its private DOCKER_CONFIG).
        var marker = Path.Combine(_directory, "got-sigterm");
        Write("trap.yml", $"trap 'echo TERM > {marker}; exit 143' TERM; sleep 60 & wait $!");
        Write("fail-later.yml", "sleep 1; exit 3");
        var runner = Runner(
            """
            - identifier: broken
              buildspec: fail-later.yml
            - identifier: cleaning
              buildspec: trap.yml
            """,
            parallel: 2,
            fastFail: true);

        await runner.RunAsync();

        Assert.That(Node(runner, "cleaning").State, Is.EqualTo(NodeState.Stopped));
        Assert.That(File.Exists(marker), Is.True, "the running node got no SIGTERM (killed outright?), so it could not clean up");
        Assert.That(Node(runner, "cleaning").Elapsed(DateTimeOffset.UtcNow), Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task Should_give_each_node_its_variables_and_identifier_and_collect_pushed_digests()
    {
        var digest = "sha256:" + new string('a', 64);
        var runner = Runner(
            """
            - identifier: amd64_py38
              buildspec: echo.yml
              env:
                variables:
                  ARCH: amd64
                  VERSION: "3.8"
            """,
            echo: $"echo \"node=$CODEBUILD_BATCH_BUILD_IDENTIFIER arch=$ARCH version=$VERSION registry=$REGISTRY\"; echo 'Pushed r/python:3.8.t-amd64 {digest}'");

        await runner.RunAsync();

        var node = Node(runner, "amd64_py38");
        Assert.That(node.State, Is.EqualTo(NodeState.Succeeded));
        Assert.That(File.ReadAllText(node.LogPath), Does.Contain("node=amd64_py38 arch=amd64 version=3.8 registry=127.0.0.1:5999"));
        Assert.That(node.Images, Is.EqualTo(new[] { new PublishedImage("r/python:3.8.t-amd64", digest) }));
        Assert.That(BatchReport.Table(runner.Nodes), Does.Contain("amd64_py38  SUCCEEDED").And.Contain($"r/python:3.8.t-amd64 {digest}"));
    }

    private LocalBatchRunner Runner(string graph, int parallel = 4, bool fastFail = false, string echo = "true")
    {
        Write("ok.yml", "true");
        Write("sleep.yml", "sleep 2");
        Write("slow.yml", "sleep 60");
        Write("fail.yml", "echo about to fail; exit 3");
        Write("echo.yml", echo);
        var batch = Path.Combine(_directory, "batch.yml");
        var indented = string.Join('\n', graph.Split('\n').Select(l => "    " + l));
        File.WriteAllText(batch, $"version: 0.2\nbatch:\n  fast-fail: {(fastFail ? "true" : "false")}\n  build-graph:\n{indented}\n");

        var (parsed, buildspecs) = BuildspecSet.Read(batch, new SourcePaths(_directory));
        Assert.That(BuildspecSet.Problems(parsed, buildspecs), Is.Empty);
        return new LocalBatchRunner(parsed, buildspecs, new LocalBatchSettings(
            _directory, parallel, Path.Combine(_directory, "logs"), new Dictionary<string, string> { ["REGISTRY"] = "127.0.0.1:5999" }));
    }

    private void Write(string name, string command) =>
        File.WriteAllText(Path.Combine(_directory, name), $"version: 0.2\nphases:\n  build:\n    commands:\n      - '{command.Replace("'", "''")}'\n");

    private static bool Overlap(NodeRun a, NodeRun b) => a.Started < b.Ended && b.Started < a.Ended;

    private static NodeRun Node(LocalBatchRunner runner, string identifier) => runner.Nodes.Single(n => n.Identifier == identifier);
}
