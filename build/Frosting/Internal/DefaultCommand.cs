using Cake.Cli;
using Cake.Cli.Infrastructure;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Scripting;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;

namespace Cake.Frosting.Internal;

internal sealed class DefaultCommand(IServiceCollection services) : Command<DefaultCommandSettings>
{
    public override int Execute(CommandContext context, DefaultCommandSettings settings, CancellationToken cancellationToken)
    {
        services.AddSingleton<ICakeArguments>(CreateArguments(context.Remaining, settings));
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

    private static CakeArguments CreateArguments(IRemainingArguments remaining, DefaultCommandSettings settings) =>
        remaining.ToCakeArguments(settings.Targets, arguments =>
        {
            // Options bound to the settings are not "remaining"; expose the switches too, as Cake does for --target.
            AddSwitch(arguments, "dryrun", settings.DryRun);
            AddSwitch(arguments, "tree", settings.Tree);
            AddSwitch(arguments, "description", settings.Description);
            AddSwitch(arguments, "exclusive", settings.Exclusive);
        });

    private static void AddSwitch(IDictionary<string, List<string>> arguments, string name, bool value)
    {
        if (value)
        {
            arguments.TryAdd(name, [bool.TrueString]);
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
            throw new CakeException($"The working directory '{directory.FullPath}' does not exist.");
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
