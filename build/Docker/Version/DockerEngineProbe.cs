using System.Net.Sockets;
using System.Text.Json;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Build.Docker.Version;

/// <summary>
/// The engine's version, asked on a background thread as soon as Setup knows the run needs Docker, so that the answer
/// arrives while the rest of Setup runs. Restore takes the answer once; later checks (after starting dockerd) ask again.
/// A plain local engine is asked through its socket (<see cref="DockerEngineSocket"/>), anything else by `docker version`.
/// </summary>
public sealed class DockerEngineProbe
{
    private readonly Task<(DockerEngineInfo? Engine, CakeException? Error)> _answer;

    private DockerEngineProbe(ICakeContext context) =>
        _answer = Task.Run<(DockerEngineInfo?, CakeException?)>(() =>
        {
            try
            {
                return (Ask(context), null);
            }
            catch (CakeException ex)
            {
                return (null, ex);
            }
        });

    public static DockerEngineProbe Start(ICakeContext context) => new(context);

    /// <summary>The engine, or the CakeException `docker version` failed with.</summary>
    public DockerEngineInfo GetEngine()
    {
        var (engine, error) = _answer.GetAwaiter().GetResult();
        return engine ?? throw error!;
    }

    private static DockerEngineInfo Ask(ICakeContext context)
    {
        if (DockerEngineSocket.LocalSocket(context.Environment.GetEnvironmentVariable) is { } socket)
        {
            try
            {
                var engine = DockerEngineSocket.GetEngineAsync(socket).GetAwaiter().GetResult();
                context.Log.Verbose("GET /version on unix://{0}: Docker engine {1}", socket, engine.Version);
                return engine;
            }
            catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TaskCanceledException or JsonException)
            {
                // The CLI asks again and, if it fails too, says why in its own words.
                context.Log.Verbose("GET /version on unix://{0} failed ({1}): asking docker version", socket, e.Message);
            }
        }

        return context.DockerEngine(new DockerVersionSettings());
    }
}
