namespace Build.Tests.Support;

/// <summary>A matrix file and its Dockerfiles in a temporary folder.</summary>
public sealed class TempMatrix : IDisposable
{
    public TempMatrix(string json, params string[] dockerfiles)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("matrix-").FullName;
        Path = System.IO.Path.Combine(Directory, "images.json");
        File.WriteAllText(Path, json);
        foreach (var dockerfile in dockerfiles)
        {
            File.WriteAllText(System.IO.Path.Combine(Directory, dockerfile), "FROM scratch\n");
        }
    }

    public string Directory { get; }

    public string Path { get; }

    public static TempMatrix TwoByTwo() => new(
        """
        { "repository": "python",
          "images": [
            { "version": "3.7", "dockerfile": "python3.7.Dockerfile", "architectures": ["amd64", "arm64v8"] },
            { "version": "3.8", "dockerfile": "python3.8.Dockerfile", "architectures": ["amd64", "arm64v8"], "buildArgs": { "EXTRA": "yes" } }
          ] }
        """,
        "python3.7.Dockerfile",
        "python3.8.Dockerfile");

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
