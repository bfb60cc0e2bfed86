using Cake.Cli;
using Cake.Cli.Infrastructure;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Packaging;
using Cake.Core.Scripting;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;

namespace Cake.Frosting.Internal;

internal sealed class DefaultCommand(IServiceCollection services) : Command<DefaultCommandSettings>
{
    public override int Execute(CommandContext context, DefaultCommandSettings settings, CancellationToken cancellationToken)
    {
        // As in Cake.Frosting: only --target joins the remaining arguments; --dryrun, --tree, --description and
        // --exclusive are bound to the settings and are not in context.Arguments.
        services.AddSingleton<ICakeArguments>(context.Remaining.ToCakeArguments(settings.Targets));
        services.AddSingleton(context.Remaining);
        var provider = services.BuildServiceProvider();
        var log = provider.GetRequiredService<ICakeLog>();

        try
        {
            if (settings.Version)
            {
                provider.GetRequiredService<VersionFeature>().Run(provider.GetRequiredService<IConsole>());
                return 0;
            }

            if (settings.Info)
            {
                provider.GetRequiredService<InfoFeature>().Run(provider.GetRequiredService<IConsole>());
                return 0;
            }

            log.Verbosity = settings.Verbosity;

            // Before anything reads the configuration: cake.config is looked up in the working directory.
            SetWorkingDirectory(provider, settings);

            var host = GetHost(provider, settings);
            InstallTools(provider, log);
            provider.GetRequiredService<FrostingEngine>().Configure();
            if (settings.Exclusive)
            {
                host.Settings.UseExclusiveTarget();
            }

            host.RunTargets(settings.Targets);
            return 0;
        }
        catch (Exception ex)
        {
            return log.LogException(ex);
        }
    }

    // The installers (and NuGet's assemblies behind them) are only resolved when a tool is to be installed.
    private static void InstallTools(IServiceProvider provider, ICakeLog log)
    {
        var tools = provider.GetServices<PackageReference>().ToList();
        if (tools.Count == 0)
        {
            return;
        }

        log.Verbose("Installing tools...");
        var installer = provider.GetRequiredService<IToolInstaller>();
        foreach (var tool in tools)
        {
            installer.Install(tool);
        }
    }

    private static void SetWorkingDirectory(IServiceProvider provider, DefaultCommandSettings settings)
    {
        var fileSystem = provider.GetRequiredService<IFileSystem>();
        var environment = provider.GetRequiredService<ICakeEnvironment>();

        var directory = settings.WorkingDirectory ?? provider.GetService<WorkingDirectory>()?.Path;
        directory = directory?.MakeAbsolute(environment) ?? environment.WorkingDirectory;
        if (!fileSystem.Exist(directory))
        {
            throw new FrostingException($"The working directory '{directory.FullPath}' does not exist.");
        }

        environment.WorkingDirectory = directory;
    }

    private static ScriptHost GetHost(IServiceProvider provider, DefaultCommandSettings settings) => settings switch
    {
        { DryRun: true } => provider.GetRequiredService<DryRunScriptHost<IFrostingContext>>(),
        { Tree: true } => provider.GetRequiredService<TreeScriptHost>(),
        { Description: true } => provider.GetRequiredService<DescriptionScriptHost>(),
        _ => provider.GetRequiredService<BuildScriptHost<IFrostingContext>>(),
    };
}
