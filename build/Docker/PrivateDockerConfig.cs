namespace Build.Docker;

/// <summary>
/// A run-private DOCKER_CONFIG folder in the temp folder: docker login writes the password (or a 12-hour ECR token)
/// there, so it must not outlive the run. It holds a lock file, locked for as long as the run lives (the kernel drops
/// the lock when the process dies, even by SIGKILL): a later run removes any such folder whose lock it can take.
/// </summary>
public sealed class PrivateDockerConfig : IDisposable
{
    public const string Prefix = "build-docker-config-";
    private const string LockName = ".run.lock";

    // A folder this young may be one whose run has not taken its lock yet.
    private static readonly TimeSpan Settling = TimeSpan.FromSeconds(1);

    private readonly FileStream _lock;
    private int _disposed;

    private PrivateDockerConfig(string directory, FileStream runLock)
    {
        Directory = directory;
        _lock = runLock;
    }

    public string Directory { get; }

    /// <summary>A new folder (mode 700), locked by this process.</summary>
    public static PrivateDockerConfig Create()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"{Prefix}{Environment.ProcessId}-").FullName;
        // FileShare.None is an exclusive flock on Unix: held until this process closes it or dies.
        var runLock = new FileStream(Path.Combine(directory, LockName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        return new PrivateDockerConfig(directory, runLock);
    }

    /// <summary>Removes the folders of runs that died without cleaning up (SIGKILL, a crash); returns them.</summary>
    public static IReadOnlyList<string> RemoveStale(string? temp = null)
    {
        var removed = new List<string>();
        foreach (var directory in System.IO.Directory.EnumerateDirectories(temp ?? Path.GetTempPath(), Prefix + "*"))
        {
            var lockFile = Path.Combine(directory, LockName);
            try
            {
                // Folders without our lock file are left alone: made by another program, or by an older version.
                if (!File.Exists(lockFile) || DateTime.UtcNow - File.GetLastWriteTimeUtc(lockFile) < Settling)
                {
                    continue;
                }

                using (new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    // Locked by us: its run is gone.
                    System.IO.Directory.Delete(directory, recursive: true);
                }

                removed.Add(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Its run still holds the lock, or the folder is not ours to touch.
            }
        }

        return removed;
    }

    /// <summary>Deletes the folder, then lets go of the lock. Safe to call twice (teardown, and a signal).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        finally
        {
            _lock.Dispose();
        }
    }
}
