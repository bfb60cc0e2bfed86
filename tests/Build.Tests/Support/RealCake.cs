using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Path = System.IO.Path;
using Cake.Core.Tooling;


namespace Build.Tests.Support;

/// <summary>Cake's real file system, environment, process runner and tool locator, for testing tool runners.</summary>
public sealed class RealCake
{
    public RealCake()
    {
        FileSystem = new FileSystem();
        Environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
        var configuration = new CakeConfiguration(new Dictionary<string, string>());
        var log = new NullLog();
        Tools = new ToolLocator(Environment, new ToolRepository(Environment), new ToolResolutionStrategy(FileSystem, Environment, new Globber(FileSystem, Environment), configuration, log));
        ProcessRunner = new ProcessRunner(FileSystem, Environment, log, Tools, configuration);
    }

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
