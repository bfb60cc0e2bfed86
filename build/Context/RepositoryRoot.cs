namespace Build.Context;

/// <summary>
/// The repository root, found from where the build program lives (./.artifacts/build, build/bin or a test's bin folder),
/// so that relative paths (--matrix, dockerfiles/) mean the same whatever the caller's current directory.
/// </summary>
public static class RepositoryRoot
{
    public static string Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "global.json")) && File.Exists(Path.Combine(directory.FullName, "build", "Build.csproj")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
