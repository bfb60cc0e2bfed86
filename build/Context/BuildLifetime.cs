using System.Reflection;
using Build.Aws;
using Build.CodeBuild;
using Build.Docker;
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
    private Interruption? _interruption;

    public override void Setup(BuildContext context, ISetupContext info)
    {
        _interruption = Interruption.Register(context.RemoveDockerConfig);
        foreach (var stale in PrivateDockerConfig.RemoveStale())
        {
            context.Information("Removed {0}: the private DOCKER_CONFIG of a run that ended without cleaning up (killed?).", stale);
        }

        // Which program runs (build.sh keeps one folder per flavour and sources): tests and bug reports need to know.
        context.Verbose("Build program {0} ({1}).", AppContext.BaseDirectory,
            File.Exists(System.IO.Path.Combine(AppContext.BaseDirectory, "Build.r2r.dll")) ? "composite: self-contained, ReadyToRun" : "plain build");
        var read = OptionReader.From(context);
        var options = BuildOptions.Parse(read, context.Mode);
        var tasks = info.TasksToExecute.Select(t => t.Name).ToList();
        if (!options.DryRun && tasks.Intersect(TaskNames.NeedDocker, StringComparer.OrdinalIgnoreCase).Any())
        {
            // First, so that the engine answers while the rest of Setup runs; Restore takes the answer.
            context.StartDockerProbe();
        }

        var matrix = MatrixLoader.Load(new FilePath(options.MatrixPath).MakeAbsolute(context.Environment).FullPath);
        var selection = Selection.From(matrix, options.PythonVersion, options.Arch);

        var ecr = options.UsesEcr(tasks);
        var codeBuild = CodeBuildEnvironment.Read(context.Environment);
        var source = new Lazy<SourceInfo>(() => SourceInfoReader.Read(context, codeBuild));
        var registry = ecr && options.Registry is null && options.DryRun ? EcrPlaceholder(context, options) : options.Registry;
        var tags = new ImageTags(registry, options.Repository ?? matrix.Repository, TagSuffixResolver.Resolve(options, source));
        var credentials = ecr ? null : RegistryCredentialsReader.Read(context.Environment);
        context.Initialize(options, matrix, selection, tags, source, credentials, tasks, codeBuild, BatchOptionsParser.Parse(read, context.Environment.WorkingDirectory.FullPath));
        options.Validate(tasks, matrix);

        // Before any AWS call: only ECR Public may receive its token.
        var publicRegistry = options.PublicRegistry is null ? null : Aws.PublicRegistry.Parse(options.PublicRegistry, context.Environment.GetEnvironmentVariable);

        if (ecr && !options.DryRun)
        {
            // Fails here, before any docker command, when the region or the credentials are missing.
            var aws = AwsSettings.Resolve(options.Region, EcrRegistryHost.TryParse(options.Registry), context.Environment.GetEnvironmentVariable);
            context.InitializeEcr(new EcrSession(aws, line => context.Verbose("{0}", line)), publicRegistry);
            context.Information("ECR mode: region {0}{1}.", aws.RegionName, options.Registry is null ? ", registry from GetAuthorizationToken" : ", registry " + options.Registry);
        }
        else
        {
            context.InitializeEcr(null, publicRegistry);
        }

        SigningKeys.Setup(context, options, tasks);

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
        if (context.DockerConfigDirectory is { } config)
        {
            // The login lives only as long as the run.
            context.RemoveDockerConfig();
            context.Verbose("Removed the run's private DOCKER_CONFIG {0}.", config);
        }

        _interruption?.Dispose();
        context.DisposeRegistry();
        BuildSummary.Write(context);
    }

    private static string EcrPlaceholder(BuildContext context, BuildOptions options)
    {
        var region = AwsSettings.ResolveRegion(options.Region, null, context.Environment.GetEnvironmentVariable) ?? "<region>";
        var account = context.Environment.GetEnvironmentVariable(EnvVars.AwsAccountId) is { Length: > 0 } id ? id : "<account>";
        return $"{account}.dkr.ecr.{region}.amazonaws.com";
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
