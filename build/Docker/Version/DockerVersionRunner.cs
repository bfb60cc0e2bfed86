using Build.Registry;
using System.Text.Json;
using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Docker.Version;

/// <summary>Runs <c>docker version</c> to check that the engine answers and to learn its native platform.</summary>
public sealed class DockerVersionRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerVersionSettings>(fileSystem, environment, processRunner, tools)
{
    public DockerEngineInfo GetEngine(DockerVersionSettings settings)
    {
        IReadOnlyList<string> output;
        try
        {
            output = RunAndCapture(settings, GetArguments(), "The Docker engine does not answer");
        }
        catch (CakeException ex) when (ex.Message.Contains("Could not locate executable", StringComparison.OrdinalIgnoreCase))
        {
            throw new CakeException("The docker CLI is not installed. Install Docker: on Debian/Ubuntu `sudo apt-get install docker.io`, elsewhere Docker Desktop.");
        }
        catch (CakeException ex)
        {
            throw new CakeException($"{ex.Message}. Start the engine: `sudo dockerd &` (or `sudo systemctl start docker`, or Docker Desktop), then rerun.");
        }

        return Parse(string.Join('\n', output));
    }

    public static ProcessArgumentBuilder GetArguments() =>
        new ProcessArgumentBuilder().Append("version").Append("--format").AppendQuoted("{{json .Server}}");

    public static DockerEngineInfo Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var server = document.RootElement;
        string Read(string name) => server.TryGetProperty(name, out var value) ? value.GetString() ?? string.Empty : string.Empty;
        return new DockerEngineInfo(Read("Version"), new Platform(Read("Os"), Read("Arch")));
    }
}
