using System.Net;
using System.Net.Sockets;

namespace Build.CodeBuild.LocalBatch.Containers;

/// <summary>
/// Lets the nodes reach a registry on this machine's loopback, which a container's own network namespace cannot: a TCP
/// relay listening on the batch network's gateway address (this machine's side of the bridge docker made for the batch,
/// reachable from the nodes only) that forwards each connection to the registry. No host networking (other users'
/// loopback ports stay out of the nodes' reach) and no iptables rule beyond what docker manages for the network. Inside a
/// node, the same loopback address forwards here, so the node sees REGISTRY as given.
/// </summary>
public sealed class RegistryRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _registry;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private RegistryRelay(TcpListener listener, IPEndPoint registry)
    {
        _listener = listener;
        _registry = registry;
        _accepting = AcceptAsync();
    }

    /// <summary>Where nodes connect: the gateway address and the relay's port.</summary>
    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    public static RegistryRelay Start(IPAddress gateway, IPEndPoint registry)
    {
        var listener = new TcpListener(gateway, 0);
        listener.Start();
        return new RegistryRelay(listener, registry);
    }

    /// <summary>The loopback endpoint of a registry host ("127.0.0.1:5000", "localhost:5000", "[::1]:5000"); null for any other host.</summary>
    public static IPEndPoint? LoopbackEndpoint(string registryHost)
    {
        var colon = registryHost.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(registryHost[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        var host = registryHost[..colon].Trim('[', ']');
        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var parsed) ? parsed : null;
        return address is not null && IPAddress.IsLoopback(address) ? new IPEndPoint(address, port) : null;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient(_registry.AddressFamily))
        {
            try
            {
                await upstream.ConnectAsync(_registry, _stop.Token);
                var down = client.GetStream();
                var up = upstream.GetStream();
                var directions = new[] { Pipe(down, up, upstream.Client), Pipe(up, down, client.Client) };
                var first = await Task.WhenAny(directions);
                if (!first.IsFaulted)
                {
                    await Task.WhenAll(directions);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A node that hangs up, or the batch ending: the connection ends, as it would with the registry itself.
            }
        }
    }

    // Copies one direction; at its end the other side is told (half-close), so request bodies and responses finish cleanly.
    private async Task Pipe(Stream from, Stream to, Socket toSocket)
    {
        await from.CopyToAsync(to, _stop.Token);
        toSocket.Shutdown(SocketShutdown.Send);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
