using System.Reflection;
using Cake.Cli;
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Frosting.Internal;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cake.Frosting;

/// <summary>
/// Entry point of a Frosting build: <c>return new CakeHost().UseContext&lt;BuildContext&gt;().Run(args);</c>
/// Configuration is through the extension methods of <see cref="CakeHostExtensions"/>, as in Cake.Frosting.
/// </summary>
public sealed class CakeHost
{
    private readonly ServiceCollection _services = CreateServices();
    private readonly List<Assembly> _assemblies = [];

    public CakeHost()
    {
        if (Assembly.GetEntryAssembly() is { } entry)
        {
            _assemblies.Add(entry);
        }
    }

    public static CakeHost Create() => new();

    /// <summary>Adds an assembly to scan for tasks (the entry assembly always is).</summary>
    public CakeHost AddAssembly(Assembly assembly)
    {
        _assemblies.Add(assembly);
        return this;
    }

    public CakeHost ConfigureServices(Action<IServiceCollection> services)
    {
        services(_services);
        return this;
    }

    public int Run(IEnumerable<string> args)
    {
        foreach (var task in FindTasks())
        {
            _services.AddSingleton(typeof(IFrostingTask), task);
        }

        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(IServiceCollection), _services);

        var app = new CommandApp<DefaultCommand>(registrar);
        app.Configure(config =>
        {
            // Unknown --name=value (and --flag) become Cake arguments instead of parse errors.
            config.Settings.ConvertFlagsToRemainingArguments = true;

            // Help and parse errors go where Cake's output goes when a console was supplied.
            if (_services.LastOrDefault(d => d.ServiceType == typeof(IAnsiConsole))?.ImplementationInstance is IAnsiConsole console)
            {
                config.Settings.Console = console;
            }

            config.AddExample([]);
            config.AddExample("--verbosity", "quiet");
            config.AddExample("--tree");
        });

        return app.Run(args);
    }

    private IEnumerable<Type> FindTasks() =>
        _assemblies.Distinct()
            .SelectMany(assembly => assembly.GetExportedTypes())
            .Where(type => type is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false }
                           && typeof(IFrostingTask).IsAssignableFrom(type));

    private static ServiceCollection CreateServices()
    {
        var services = new ServiceCollection();

        // Log, IConsole, IAnsiConsole and the Spectre report printer; Cake.Core's, Cake.Common's, the NuGet and the
        // dotnet tool modules (package installers for InstallTool): what the Cake runner registers.
        services.AddCakeDiagnostics();
        services.UseCakeDefaultModules();
        services.AddSingleton<ICakeConfiguration, FrostingConfiguration>();
        services.AddSingleton<IToolInstaller, ToolInstaller>();

        services.AddSingleton<BuildScriptHost<IFrostingContext>>();
        services.AddSingleton<DryRunScriptHost<IFrostingContext>>();
        services.AddSingleton<TreeScriptHost>();
        services.AddSingleton<DescriptionScriptHost>();

        services.AddSingleton<IVersionResolver, VersionResolver>();
        services.AddSingleton<VersionFeature>();
        services.AddSingleton<InfoFeature>();

        services.AddSingleton<FrostingEngine>();
        services.AddSingleton<FrostingContext>();
        services.AddSingleton<IFrostingContext>(provider => provider.GetRequiredService<FrostingContext>());
        return services;
    }
}
