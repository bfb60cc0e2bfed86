using Cake.Core;

namespace Build.CodeBuild.LocalBatch;

/// <summary>How LocalBatch runs a node.</summary>
public enum Isolation
{
    /// <summary>Each node in its own fresh container with its own dockerd, as CodeBuild runs it.</summary>
    Container,

    /// <summary>Each node a child process on this machine, sharing its SDK, tools, caches and Docker engine.</summary>
    Process,
}

public static class Isolations
{
    public const string ContainerName = "container";
    public const string ProcessName = "process";

    public static string Name(Isolation isolation) => isolation == Isolation.Container ? ContainerName : ProcessName;

    public static Isolation Parse(string value) => value switch
    {
        ContainerName => Isolation.Container,
        ProcessName => Isolation.Process,
        _ => throw new CakeException(
            $"--{BatchCommandLine.IsolationArgument} '{value}' is not an isolation: use {ContainerName} (each node in its own fresh container with its own dockerd, " +
            $"as CodeBuild runs it; the default where such containers can run) or {ProcessName} (each node a child process on this machine's engine)."),
    };
}
