namespace Build.Tests.Support;

/// <summary>
/// A `docker` first on PATH that records every call and runs the real docker, optionally failing the first
/// `docker push` with a given error as docker prints it. Proves which docker commands a run started.
/// </summary>
public sealed class RecordingDocker : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("recording-docker-").FullName;

    private RecordingDocker(string? firstPushError)
    {
        var real = System.Environment.GetEnvironmentVariable("PATH")!.Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, "docker")).First(File.Exists);
        var failFirstPush = firstPushError is null ? "" : $"""
            if [ "$1" = push ] && [ ! -e '{_directory}/failed' ]; then
              touch '{_directory}/failed'
              echo '{firstPushError}' >&2
              exit 1
            fi
            """;
        var script = Path.Combine(_directory, "docker");
        File.WriteAllText(script, $"""
            #!/bin/sh
            echo "$*" >> '{CallLog}'
            {failFirstPush}
            exec '{real}' "$@"

            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Every docker command line, in order.</summary>
    public IReadOnlyList<string> Calls => File.Exists(CallLog) ? File.ReadAllLines(CallLog) : [];

    /// <summary>The calls of one docker command, e.g. "build", "push", "pull", "run".</summary>
    public IReadOnlyList<string> CallsOf(string command) => Calls.Where(c => c == command || c.StartsWith(command + " ", StringComparison.Ordinal)).ToList();

    public IDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["PATH"] = _directory + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH"),
    };

    private string CallLog => Path.Combine(_directory, "calls.log");

    public static RecordingDocker PassThrough() => new(null);

    public static RecordingDocker FailingFirstPush(string error) => new(error);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
