using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Build.Tests.Support;

/// <summary>
/// The one Kestrel start-up of the tests' servers (the AWS and CodeBuild emulators, the fault proxy, the loopback
/// server): plain HTTP on loopback, a free port unless one is given, no logging, no request-body limit (blob uploads).
/// </summary>
public sealed class TestWebHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestWebHost(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The first address it listens on, as http://127.0.0.1:PORT/.</summary>
    public Uri Url { get; }

    /// <summary>Starts a host whose routes <paramref name="map"/> adds, listening on <paramref name="endpoints"/> (default: 127.0.0.1, a free port).</summary>
    public static async Task<TestWebHost> StartAsync(Action<WebApplication> map, params IPEndPoint[] endpoints)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            foreach (var endpoint in endpoints.Length > 0 ? endpoints : [new IPEndPoint(IPAddress.Loopback, 0)])
            {
                options.Listen(endpoint);
            }

            options.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        map(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestWebHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
