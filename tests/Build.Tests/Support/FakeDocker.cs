
namespace Build.Tests.Support;

/// <summary>
/// A `docker` first on PATH that records its arguments and fails: proves that a run started no docker command
/// (or which ones). The real docker is used everywhere else.
/// </summary>
public sealed class FakeDocker : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fake-docker-").FullName;

    public FakeDocker()
    {
        var script = Path.Combine(_directory, "docker");
        File.WriteAllText(script, $"#!/bin/sh\necho \"$*\" >> '{LogPath}'\necho 'fake docker: not a real engine' >&2\nexit 1\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string LogPath => Path.Combine(_directory, "calls.log");

    public IReadOnlyList<string> Calls => File.Exists(LogPath) ? File.ReadAllLines(LogPath) : [];

    public IDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["PATH"] = _directory + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH"),
    };

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
