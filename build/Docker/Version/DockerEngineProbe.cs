using System.Net.Sockets;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Build.Docker.Version;

/// <summary>
/// The engine's version, asked on a background thread as soon as Setup knows the run needs Docker, so that the answer
/// arrives while the rest of Setup runs. Restore takes the answer once; later checks (after starting dockerd) ask again.
/// </summary>
public sealed class DockerEngineProbe
{
    private readonly Task<(DockerEngineInfo? Engine, CakeException? Error)> _answer;

    private DockerEngineProbe(Func<DockerEngineInfo> ask) =>
        _answer = Task.Run<(DockerEngineInfo?, CakeException?)>(() =>
        {
            try
            {
                return (ask(), null);
            }
            catch (CakeException ex)
            {
                return (null, ex);
            }
        });

    /// <summary>The engine's socket when it is a plain local one (<see cref="DockerEngineSocket"/>), else `docker version`.</summary>
    public static DockerEngineProbe Start(ICakeContext context) =>
        new(() =>
        {
            if (DockerEngineSocket.LocalSocket(context.Environment.GetEnvironmentVariable) is { } socket)
            {
                try
                {
                    var engine = DockerEngineSocket.GetEngineAsync(socket).GetAwaiter().GetResult();
                    context.Log.Verbose("GET /version on unix://{0}: Docker engine {1}", socket, engine.Version);
                    return engine;
                }
                catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TaskCanceledException or System.Text.Json.JsonException)
                {
                    // The CLI asks again and, if it fails too, says why in its own words.
                    context.Log.Verbose("GET /version on unix://{0} failed ({1}): asking docker version", socket, e.Message);
                }
            }

            return context.DockerEngine(new DockerVersionSettings());
        });

    /// <summary>Starts any question that answers like `docker version` (tests use it without an engine).</summary>
    public static DockerEngineProbe Start(Func<DockerEngineInfo> ask) => new(ask);

    /// <summary>The engine, or the CakeException `docker version` failed with.</summary>
    public DockerEngineInfo GetEngine()
    {
        var (engine, error) = _answer.GetAwaiter().GetResult();
        return engine ?? throw error!;
    }
}
