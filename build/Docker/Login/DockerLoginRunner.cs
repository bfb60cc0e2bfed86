using System.Diagnostics;
using Build.Context;
using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Docker.Login;

/// <summary>
/// Runs <c>docker login --password-stdin</c>. Cake's process runner cannot write to standard input,
/// so this one command starts the process itself; the tool is still located the Cake way.
/// </summary>
public sealed class DockerLoginRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerLoginSettings>(fileSystem, environment, processRunner, tools)
{
    public void Login(string registry, DockerLoginSettings settings)
    {
        var tool = GetToolPath(settings) ?? throw new CakeException("The docker CLI is not installed: cannot log in to " + registry + ".");
        var start = new ProcessStartInfo(tool.FullPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in GetArgumentList(registry, settings))
        {
            start.ArgumentList.Add(argument);
        }

        if (settings.ConfigDirectory is not null)
        {
            start.Environment[EnvVars.DockerConfig] = settings.ConfigDirectory;
        }

        using var process = Process.Start(start) ?? throw new CakeException($"Could not start {tool.FullPath}.");
        process.StandardInput.Write(settings.Password);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new CakeException(
                $"docker login to {registry} as {settings.Username} failed (exit {process.ExitCode}): {error.Result.Trim()} Check the registry credentials.");
        }
    }

    public static IReadOnlyList<string> GetArgumentList(string registry, DockerLoginSettings settings) =>
        ["login", "--username", settings.Username, "--password-stdin", registry];

    public static ProcessArgumentBuilder GetArguments(string registry, DockerLoginSettings settings)
    {
        // For display only (the run passes the list itself, without a shell or a string to split).
        return new ProcessArgumentBuilder()
            .Append("login").Append("--username").AppendQuoted(settings.Username).Append("--password-stdin").AppendQuoted(registry);
    }
}
