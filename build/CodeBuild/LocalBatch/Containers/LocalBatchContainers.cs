using Build.CodeBuild.Buildspecs;
using Build.Git;
using Cake.Common.Diagnostics;
using Cake.Core;

namespace Build.CodeBuild.LocalBatch.Containers;

/// <summary>
/// Chooses where a batch's nodes run: in containers when asked, or by default where they can run (an engine, the node
/// image, a privileged container or its fallback); else as processes, saying why. Starts the container batch.
/// </summary>
public static class LocalBatchContainers
{
    public const string InstallScriptUrl = "DOTNET_INSTALL_SCRIPT_URL";

    /// <returns>The started container batch, or null when the nodes run as processes.</returns>
    public static async Task<ContainerBatch?> StartAsync(
        ICakeContext context, Isolation? requested, string? cacheDirectory, string matrixPath, string batchId, string sourceRoot, string logs,
        Dictionary<string, string> environment, IReadOnlyDictionary<string, ParsedNodeBuildspec> buildspecs)
    {
        if (requested == Isolation.Process)
        {
            return null;
        }

        var support = await ContainerSupport.ProbeAsync(context, $"{ContainerBatch.LabelName}={batchId}", line => context.Information("{0}", line));
        if (!support.Available)
        {
            if (requested == Isolation.Container)
            {
                throw new CakeException($"--isolation=container: node containers cannot run here: {support.Unavailable}. Use --isolation=process to run the nodes on this machine.");
            }

            context.Warning("LocalBatch runs its nodes as processes on this machine (--isolation=process): {0}.", support.Unavailable);
            return null;
        }

        if (support.Note is not null)
        {
            context.Information("LocalBatch: {0}.", support.Note);
        }

        // The SDK installer build.sh's bootstrap downloads: a file:// one is passed on with its folder, as issue 10 asks.
        List<string> readOnly = [];
        if (Environment.GetEnvironmentVariable(InstallScriptUrl) is { Length: > 0 } url)
        {
            environment[InstallScriptUrl] = url;
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsFile)
            {
                readOnly.Add(Path.GetDirectoryName(uri.LocalPath)!);
            }
        }

        // Nodes name the matrix as the batch was given it: one outside the checkout is not in their copy of the source.
        var matrix = Path.GetFullPath(matrixPath, sourceRoot);
        if (!matrix.StartsWith(sourceRoot.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            readOnly.Add(Path.GetDirectoryName(matrix)!);
        }

        var cache = Path.GetFullPath(cacheDirectory ?? Path.Combine(".artifacts", "local-batch", "cache"), sourceRoot);
        var batch = await ContainerBatch.StartAsync(batchId, NodeImage.Reference, support, sourceRoot, Path.Combine(logs, "nodes"), cache,
            environment[CodeBuildEnvVars.Registry], readOnly.Distinct().ToList(), buildspecs,
            new GitRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools));
        context.Information("LocalBatch: nodes in containers of {0} on network {1}; CodeBuild cache in {2}{3}",
            NodeImage.Reference, batch.NetworkName, cache, batch.RelayDescription is { } relay ? $"; registry {environment[CodeBuildEnvVars.Registry]} relayed at {relay}" : string.Empty);
        return batch;
    }
}
