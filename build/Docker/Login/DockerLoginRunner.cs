using System.Diagnostics;
using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.Docker;

namespace Build.Docker.Login;

/// <summary>
/// Ours: runs <c>docker login --password-stdin</c> from Cake.Docker's login settings (whose own DockerLogin puts the
/// password on the command line). Cake's process runner cannot write to standard input, so this one command starts
/// the process itself; the tool is still located the Cake way, and the settings' environment variables apply.
/// </summary>
public sealed class DockerLoginRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerRegistryLoginSettings>(fileSystem, environment, processRunner, tools)
{
    public void Login(string registry, DockerRegistryLoginSettings settings)
    {
        if (string.IsNullOrEmpty(settings.Username) || string.IsNullOrEmpty(settings.Password))
        {
            throw new CakeException($"docker login to {registry} needs a user name and a password (or token); {(string.IsNullOrEmpty(settings.Username) ? "the user name" : "the password")} is empty.");
        }

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

        foreach (var (name, value) in settings.EnvironmentVariables ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
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

    public static IReadOnlyList<string> GetArgumentList(string registry, DockerRegistryLoginSettings settings) =>
        ["login", "--username", settings.Username ?? string.Empty, "--password-stdin", registry];

    public static ProcessArgumentBuilder GetArguments(string registry, DockerRegistryLoginSettings settings)
    {
        // For display only (the run passes the list itself, without a shell or a string to split).
        return new ProcessArgumentBuilder()
            .Append("login").Append("--username").AppendQuoted(settings.Username).Append("--password-stdin").AppendQuoted(registry);
    }
}
