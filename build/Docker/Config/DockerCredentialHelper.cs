using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Cake.Core;

namespace Build.Docker.Config;

/// <summary>
/// A docker credential helper, <c>docker-credential-&lt;name&gt;</c> on PATH, asked as docker asks it: <c>get</c> with the
/// server address on standard input, a JSON answer <c>{"ServerURL", "Username", "Secret"}</c> on standard output
/// (user <c>&lt;token&gt;</c>: the secret is an identity token), "credentials not found" when it has none.
/// </summary>
public sealed class DockerCredentialHelper(string name, Func<string, string?> environment)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public string Program => "docker-credential-" + name;

    public DockerAuth? Get(string serverAddress)
    {
        var path = FindOnPath() ?? throw new CakeException(
            $"The docker config names the credential helper '{name}', but {Program} is not on PATH: install it (docker logins to this registry are kept by it), " +
            "or set REGISTRY_USERNAME and REGISTRY_PASSWORD.");

        var start = new ProcessStartInfo(path, "get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new CakeException($"{Program} could not be started.");
        }
        catch (Win32Exception e)
        {
            throw new CakeException($"{Program} could not be started ({e.Message}).");
        }

        using (process)
        {
            process.StandardInput.Write(serverAddress);
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new CakeException($"{Program} get did not answer within {Timeout.TotalSeconds:0}s for {serverAddress} (is it waiting for a password prompt or an unlocked keychain?).");
            }

            var output = stdout.Result.Trim();
            if (process.ExitCode != 0)
            {
                if (output.Contains("credentials not found", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                // What a helper prints on failure is its own message, never the secret it could not give.
                var message = (output + " " + stderr.Result).Trim();
                throw new CakeException($"{Program} get failed for {serverAddress} (exit {process.ExitCode}): {(message.Length > 300 ? message[..300] : message)}");
            }

            return Parse(output, serverAddress);
        }
    }

    private DockerAuth Parse(string output, string serverAddress)
    {
        try
        {
            using var document = JsonDocument.Parse(output);
            var username = document.RootElement.TryGetProperty("Username", out var user) ? user.GetString() ?? "" : "";
            var secret = document.RootElement.TryGetProperty("Secret", out var value) ? value.GetString() ?? "" : "";
            return username == "<token>"
                ? new DockerAuth("", "", secret, Program)
                : new DockerAuth(username, secret, null, Program);
        }
        catch (JsonException)
        {
            throw new CakeException($"{Program} get answered for {serverAddress} with something that is not its JSON ({{\"Username\", \"Secret\"}}).");
        }
    }

    private string? FindOnPath() =>
        (environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, Program))
            .FirstOrDefault(File.Exists);
}
