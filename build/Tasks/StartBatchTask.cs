using Build.CodeBuild.Api;
using Build.Context;
using Build.Steps.StartBatch;
using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.StartBatch)]
[TaskDescription("Starts the CodeBuild batch of --codebuild-project at the current commit, follows it to the end and reports each node")]
public sealed class StartBatchTask : AsyncFrostingTask<BuildContext>
{
    public override async Task RunAsync(BuildContext context)
    {
        var project = context.Batch.CodeBuildProject
            ?? throw new CakeException($"StartBatch needs the CodeBuild project: pass --{Arguments.CodeBuildProject}=<name> (the project whose batch buildspec is buildspecs/batch.yml).");
        var commit = context.Source.Revision
            ?? throw new CakeException("StartBatch starts the batch at the current commit, but git found none here: run it from a checkout with a commit that CodeBuild can fetch.");

        using var client = CodeBuildClient.Connect(context.Environment.GetEnvironmentVariable);

        // One token per run: a retried StartBuildBatch (throttling, 5xx) cannot start a second batch.
        var request = new StartBuildBatchRequest(project, commit, Guid.NewGuid().ToString("N"),
            BatchOutcome.Overrides([(EnvVars.Registry, context.Options.Registry), (EnvVars.TagSuffix, context.Options.TagSuffix)]));
        var started = await client.StartBuildBatchAsync(request);
        context.Information("Started batch {0} of {1} at commit {2} ({3}).", started.Id, project, commit, client.Endpoint);

        var follower = new BatchFollower(client, context.Batch.PollInterval, line => context.Information("{0}", line));
        var batch = await follower.FollowAsync(started.Id);

        BatchOutcome.Report(batch, follower.Nodes, context.Log);
    }
}
