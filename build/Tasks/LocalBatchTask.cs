using Build.CodeBuild.Buildspecs;
using Build.CodeBuild.LocalBatch;
using Build.CodeBuild.LocalBatch.Containers;
using Build.Context;
using Build.Steps.RunLocalBatch;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.LocalBatch)]
[TaskDescription("Runs the batch buildspec's build-graph here as CodeBuild would: each node in its own fresh container (--isolation=container, the default where it can run) or as a ./build.sh child (--isolation=process), in parallel where independent (--parallel=N)")]
public sealed class LocalBatchTask : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public IEnumerable<string> Plan(BuildContext context) => LocalBatch.Plan(
        BuildspecSet.Read(context.Batch.BatchBuildspec, new SourcePaths(context.Environment.WorkingDirectory.FullPath)), context.Batch.Parallel, context.Batch.Isolation);

    public override async Task RunAsync(BuildContext context)
    {
        var paths = new SourcePaths(context.Environment.WorkingDirectory.FullPath);
        var (batch, buildspecs) = BuildspecSet.Read(context.Batch.BatchBuildspec, paths);
        LocalBatch.ThrowIfInvalid(batch, buildspecs);
        if (!context.Batch.AllowEditedBuildspec)
        {
            // Each node's commands run in a shell: only what Buildspec writes for the matrix runs, unless the user says otherwise.
            var file = paths.Resolve(context.Batch.BatchBuildspec);
            var options = context.Batch with { BuildspecDirectory = Path.GetDirectoryName(file)! };
            LocalBatch.ThrowIfEdited(batch, file, paths, BuildspecSet.Expected(context.Matrix, options, paths), paths.Display(context.Matrix.FilePath),
                $"Regenerate with `{BuildspecSet.RegenerateCommand(context.Matrix, options, paths)}`, or pass --{Arguments.AllowEditedBuildspec} to run the files as they are.");
        }

        var batchId = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", System.Globalization.CultureInfo.InvariantCulture);
        var logs = Path.Combine(paths.Root, ".artifacts", "local-batch", batchId);
        // What every node gets, as CodeBuild's project would set it: the registry, the commit, and the tag suffix when given.
        var environment = LocalBatch.NodeEnvironment(
            [(EnvVars.Registry, context.RegistryHost), (EnvVars.CodeBuildResolvedSourceVersion, context.Source.Revision), (EnvVars.TagSuffix, context.Options.TagSuffix)]);
        await using var containers = await LocalBatchContainers.StartAsync(
            context, context.Batch.Isolation, context.Batch.BatchCache, context.Options.MatrixPath, batchId, paths.Root, logs, environment, buildspecs);
        await LocalBatch.RunAsync(
            batch, buildspecs, new LocalBatchSettings(paths.Root, context.Batch.Parallel, logs, environment), containers?.Host,
            containers is null ? "as processes on this machine's engine, one ARCH at a time" : $"each in its own container on network {containers.NetworkName}", context.Log);
    }
}
