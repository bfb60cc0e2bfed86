using System.Text.Json;
using Build.Tests.Registry;

namespace Build.Tests.Support;

/// <summary>
/// Publishes the Debian bookworm base (python3, pip) to a test registry with the product's own BaseImage task:
/// mmdebstrap root filesystems are cached in ~/.cache/python-images, so only the first run on a machine is slow.
/// </summary>
public static class DebianBase
{
    public const string Repository = "debian-python";
    public const string Tag = "bookworm";

    /// <summary>The matrix "base" section the tests use (the same packages as dockerfiles/local.json).</summary>
    public static object Spec => new { repository = Repository, tag = Tag, suite = "bookworm", packages = new[] { "python3", "python3-pip", "python-is-python3" } };

    /// <summary>
    /// A matrix in a new temporary folder: one amd64 Python image (Integration/Images/python.Dockerfile) on the Debian
    /// base, which the matrix makes itself (BaseImage) as <paramref name="baseRepository"/>:bookworm in the target registry.
    /// </summary>
    public static string WriteAmd64Matrix(string repository, string baseRepository)
    {
        var folder = Directory.CreateTempSubdirectory(repository + "-matrix-").FullName;
        File.Copy(Path.Combine(BuildProgram.RepositoryRoot, "tests", "Build.Tests", "Integration", "Images", "python.Dockerfile"), Path.Combine(folder, "python.Dockerfile"));
        var matrix = Path.Combine(folder, "images.json");
        File.WriteAllText(matrix, JsonSerializer.Serialize(new
        {
            repository,
            @base = new { repository = baseRepository, tag = Tag, suite = "bookworm", packages = new[] { "python3", "python3-pip", "python-is-python3" } },
            images = new[] { new { version = "3.11", dockerfile = "python.Dockerfile", architectures = new[] { "amd64" }, buildArgs = new { BASE_IMAGE = $"{{registry}}/{baseRepository}:{Tag}" } } },
        }));
        return matrix;
    }

    public static string PublishTo(LocalRegistry registry)
    {
        var folder = Directory.CreateTempSubdirectory("base-matrix-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "base.Dockerfile"), "FROM scratch\n");
            var matrix = Path.Combine(folder, "images.json");
            File.WriteAllText(matrix, JsonSerializer.Serialize(new
            {
                repository = "unused",
                @base = Spec,
                images = new[] { new { version = "0", dockerfile = "base.Dockerfile", architectures = new[] { "amd64", "arm64v8" } } },
            }));

            var result = BuildProgram.Run([$"--matrix={matrix}", "--target=BaseImage", $"--registry={registry.Address}", "--tag-suffix=base"]);
            Assert.That(result.ExitCode, Is.EqualTo(0), "publishing the Debian base failed:\n" + result);
            return $"{registry.Address}/{Repository}:{Tag}";
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
