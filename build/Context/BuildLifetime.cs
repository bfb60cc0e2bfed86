using System.Reflection;
using Build.CodeBuild;
using Build.Images;
using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Frosting;
using Microsoft.Extensions.DependencyInjection;

namespace Build.Context;

/// <summary>Reads the context once before any task, prints the plan under --dryrun, and reports and cleans up after.</summary>
public sealed class BuildLifetime : FrostingLifetime<BuildContext>
{
    public override void Setup(BuildContext context, ISetupContext info)
    {
        var options = BuildOptions.Parse(context);
        var tasks = info.TasksToExecute.Select(t => t.Name).ToList();

        var matrix = MatrixLoader.Load(new FilePath(options.MatrixPath).MakeAbsolute(context.Environment).FullPath);
        var selection = Selection.From(matrix, options.PythonVersion, options.Arch);

        var needsRegistry = tasks.Intersect(TaskNames.NeedRegistry, StringComparer.OrdinalIgnoreCase).ToList();
        if (options.Registry is null && needsRegistry.Count > 0)
        {
            throw new CakeException(
                $"{string.Join(", ", needsRegistry)} need a registry: pass --registry=host[:port] (e.g. --registry=127.0.0.1:5000) or set REGISTRY.");
        }

        var codeBuild = CodeBuildEnvironment.Read(context.Environment);
        var source = SourceInfoReader.Read(context, codeBuild);
        var tags = new ImageTags(options.Registry, options.Repository ?? matrix.Repository, TagSuffixResolver.Resolve(options, source));
        var credentials = RegistryCredentialsReader.Read(context.Environment);
        context.Initialize(options, matrix, selection, tags, source, credentials, tasks, codeBuild, BatchOptions.Parse(context));

        if (codeBuild.Describe() is { } node)
        {
            // In a node, --arch and --python-version come from the node's variables (ARCH, VERSION).
            context.Information("{0}; {1}={2}, {3}={4}.", node, EnvVars.Arch, options.Arch ?? "(all)", EnvVars.Version, options.PythonVersion ?? "(all)");
        }

        context.Information(
            "Matrix {0}: {1} image(s) {2}, tag suffix '{3}'.",
            matrix.FilePath,
            selection.Images.Count,
            string.Join(", ", selection.Images),
            tags.Suffix);

        if (options.DryRun)
        {
            PrintPlan(context, tasks);
        }
    }

    public override void Teardown(BuildContext context, ITeardownContext info)
    {
        if (context.DockerConfigDirectory is { } config && Directory.Exists(config))
        {
            // The login lives only as long as the run.
            Directory.Delete(config, recursive: true);
            context.Verbose("Removed the run's private DOCKER_CONFIG {0}.", config);
        }

        context.DisposeRegistry();
        BuildSummary.Write(context);
    }

    private static void PrintPlan(BuildContext context, IReadOnlyList<string> tasks)
    {
        var planned = context.ServiceProvider.GetServices<IFrostingTask>()
            .ToDictionary(t => t.GetType().GetCustomAttribute<TaskNameAttribute>()?.Name ?? t.GetType().Name, StringComparer.OrdinalIgnoreCase);

        context.Information("Dry run: the plan, with the commands each task would run (none is run).");
        foreach (var name in tasks)
        {
            context.Information("{0}:", name);
            var steps = planned.TryGetValue(name, out var task) && task is IPlannedTask plannedTask
                ? plannedTask.Plan(context).ToList()
                : [];
            foreach (var step in steps.DefaultIfEmpty("(nothing to run)"))
            {
                context.Information("    {0}", step);
            }
        }
    }
}
