using Build.Docker.Version;
using Build.Emulation;
using Build.Registry;
using Cake.Core.Diagnostics;

namespace Build.Steps.CheckEngine;

/// <summary>Restore's engine check: which engine answers, and (for BuildImage) that it can run every platform to build.</summary>
public static class EngineCheck
{
    public static void Run(DockerEngineInfo engine, IEnumerable<Platform> platformsToBuild, ICakeLog log)
    {
        log.Information("Docker engine {0} on {1}.", engine.Version, engine.Platform);
        var checker = new BinfmtChecker();
        foreach (var platform in platformsToBuild.Distinct())
        {
            checker.Check(engine.Platform, platform);
        }
    }
}
