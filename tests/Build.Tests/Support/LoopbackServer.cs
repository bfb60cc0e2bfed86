using System.Net;
using Build.Tests.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Build.Tests.Support;

/// <summary>
/// A real HTTP server on one port of two loopback addresses, 127.0.0.1 and 127.0.0.2: to a client they are two hosts
/// (two authorities), so a test can play a registry on one and "another host" (a token service, an upload location) on
/// the other without leaving the machine. Every request is recorded with the host it was sent to and its headers.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    public const string Registry = "127.0.0.1";
    public const string Other = "127.0.0.2";

    private TestWebHost _host = null!;
    private readonly List<Recorded> _requests = [];

    private LoopbackServer(int port)
    {
        Port = port;
    }

    public int Port { get; }

    /// <summary>127.0.0.1:PORT.</summary>
    public string RegistryAddress => $"{Registry}:{Port}";

    /// <summary>127.0.0.2:PORT: the same server seen as another host.</summary>
    public string OtherAddress => $"{Other}:{Port}";

    public IReadOnlyList<Recorded> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts on a free port of both addresses; <paramref name="respond"/> answers every request.</summary>
    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, Task> respond)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = LocalRegistry.FreePort();
            var server = new LoopbackServer(port);
            try
            {
                server._host = await TestWebHost.StartAsync(
                    app => app.Run(async context =>
                    {
                        server.Record(context.Request);
                        await respond(context);
                    }),
                    new IPEndPoint(IPAddress.Parse(Registry), port),
                    new IPEndPoint(IPAddress.Parse(Other), port));
                return server;
            }
            catch (IOException) when (attempt < 5)
            {
                // The port was taken on the other address meanwhile: pick another.
            }
        }
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private void Record(HttpRequest request)
    {
        lock (_requests)
        {
            _requests.Add(new Recorded(
                request.Method,
                request.Host.Value ?? "",
                request.Path.Value + request.QueryString.Value,
                request.Headers.Authorization.ToString() is { Length: > 0 } authorization ? authorization : null));
        }
    }

    public sealed record Recorded(string Method, string Host, string PathAndQuery, string? Authorization)
    {
        public override string ToString() => $"{Method} {Host}{PathAndQuery} (Authorization: {Authorization ?? "none"})";
    }
}
