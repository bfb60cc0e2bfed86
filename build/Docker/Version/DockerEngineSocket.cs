using System.Net.Sockets;
using System.Text.Json;

namespace Build.Docker.Version;

/// <summary>
/// Asks a local engine for its version through its API socket (GET /version), as `docker version` would, without
/// starting the CLI: a run whose images are all unchanged then starts no process at all. Only for the plain local
/// setup (DOCKER_HOST unset or unix://, no docker context chosen); anything else, and any failure, is left to the CLI,
/// which knows contexts, TLS and ssh and explains its errors.
/// </summary>
public static class DockerEngineSocket
{
    public const string DefaultSocket = "/var/run/docker.sock";

    /// <summary>The engine's unix socket when the CLI would use one directly, else null.</summary>
    public static string? LocalSocket(Func<string, string?> environment)
    {
        if (!string.IsNullOrEmpty(environment(DockerEnvVars.Context)))
        {
            return null;
        }

        var host = environment(DockerEnvVars.Host);
        if (!string.IsNullOrEmpty(host))
        {
            return host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : null;
        }

        return ChosenContext(environment) is null or "default" ? DefaultSocket : null;
    }

    public static async Task<DockerEngineInfo> GetEngineAsync(string socket, CancellationToken cancellationToken = default)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await connection.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct);
                    return new NetworkStream(connection, ownsSocket: true);
                }
                catch
                {
                    connection.Dispose();
                    throw;
                }
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://docker/"), Timeout = TimeSpan.FromSeconds(10) };
        return DockerVersionRunner.Parse(await http.GetStringAsync("version", cancellationToken));
    }

    // The CLI's current context (config.json's currentContext): any other than "default" may point elsewhere.
    private static string? ChosenContext(Func<string, string?> environment)
    {
        var directory = environment(DockerEnvVars.Config) is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        var file = Path.Combine(directory, "config.json");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            return document.RootElement.TryGetProperty("currentContext", out var context) ? context.GetString() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
