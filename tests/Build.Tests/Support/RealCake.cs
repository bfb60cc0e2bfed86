using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Path = System.IO.Path;
using Cake.Core.Tooling;
using Microsoft.Extensions.DependencyInjection;


namespace Build.Tests.Support;

/// <summary>Cake's real file system, environment, process runner and tool locator, for testing tool runners.</summary>
public sealed class RealCake
{
    public RealCake(ICakeLog? log = null)
    {
        FileSystem = new FileSystem();
        Environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
        Configuration = new CakeConfiguration(new Dictionary<string, string>());
        Log = log ?? new NullLog();
        Tools = new ToolLocator(Environment, new ToolRepository(Environment), new ToolResolutionStrategy(FileSystem, Environment, new Globber(FileSystem, Environment), Configuration, Log));
        ProcessRunner = new ProcessRunner(FileSystem, Environment, Log, Tools, Configuration);
    }

    public ICakeLog Log { get; }

    public ICakeConfiguration Configuration { get; }

    /// <summary>Cake's own context over these parts, for calling aliases.</summary>
    public ICakeContext Context() => new CakeContext(
        FileSystem, Environment, new Globber(FileSystem, Environment), Log, new CakeArguments(Array.Empty<string>().ToLookup(a => a)), ProcessRunner,
        new WindowsRegistry(), Tools, new CakeDataService(), Configuration, new ToolInstaller(Environment, Tools, Configuration, Log, []), new ServiceCollection().BuildServiceProvider());

    public IFileSystem FileSystem { get; }

    public ICakeEnvironment Environment { get; }

    public IProcessRunner ProcessRunner { get; }

    public IToolLocator Tools { get; }

    /// <summary>A script standing in for docker: records its arguments (one per line) and exits with <paramref name="exitCode"/>.</summary>
    public static (string Tool, string ArgumentsLog) RecordingTool(int exitCode = 0, string stdout = "", string stderr = "")
    {
        var directory = Directory.CreateTempSubdirectory("tool-").FullName;
        var log = Path.Combine(directory, "args.log");
        var tool = Path.Combine(directory, "docker");
        File.WriteAllText(tool, $"#!/bin/sh\nfor a in \"$@\"; do echo \"$a\" >> '{log}'; done\necho \"DOCKER_CONFIG=$DOCKER_CONFIG\" >> '{log}.env'\nif [ \"$1\" = login ]; then cat > '{log}.stdin'; fi\nprintf '%s' '{stdout}'\nprintf '%s' '{stderr}' >&2\nexit {exitCode}\n");
        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (tool, log);
    }
}
