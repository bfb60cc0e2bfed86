using Build.Docker;
using Build.Docker.Inspect;
using Build.Docker.Run;
using Build.Images;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Docker;

namespace Build.Steps.TestArchImage;

/// <summary>What TestImage found for one image: <paramref name="Problems"/> empty when it passed or was not run.</summary>
/// <param name="Output">Every line the container printed (the SBOM's inventory follows the probes); empty when not run.</param>
public sealed record ArchImageTest(string Reference, IReadOnlyList<string> Problems, IReadOnlyList<string> Output)
{
    /// <summary>The image ran here and passed (its output holds the package inventory, when asked for).</summary>
    public bool RanAndPassed => Output.Count > 0 && Problems.Count == 0;
}

/// <summary>How an image built this run runs, beside the previous published image it was built from (as cache).</summary>
public sealed record BuiltFromPrevious(ImageRuntime Runtime, string PreviousReference, ImageRuntime PreviousRuntime);

/// <summary>
/// TestImage's step for one arch image: run it for its platform, without network, and compare python, the machine and pip
/// with the matrix. Not run for a reused image (tested when first built), nor for one that runs exactly like the tested
/// previous image.
/// </summary>
/// <param name="docker">Cake's context, for `docker run` and the log.</param>
/// <param name="inventory">Also list the installed packages (for the SBOM).</param>
public sealed class ArchImageTester(ICakeContext docker, ImageTags tags, string? dockerConfig, bool force, bool inventory)
{
    /// <param name="built">Null when the image was not built this run, or without a previous image.</param>
    public ArchImageTest Test(ImageTarget target, bool reused, BuiltFromPrevious? built)
    {
        var reference = tags.Reference(tags.ArchTag(target));
        if (reused)
        {
            docker.Log.Information("{0}: not built this run (inputs unchanged); it was tested when first built", reference);
            return new(reference, [], []);
        }

        // An image that only differs from the previous one in labels (e.g. rebuilt because a file of the context that
        // the Dockerfile does not copy changed, with every step from --cache-from) runs exactly as that one did.
        if (!force && built is { } b)
        {
            docker.Log.Verbose("Runtime of {0}: {1}; of {2}: {3}", reference, b.Runtime.Identity, b.PreviousReference, b.PreviousRuntime.Identity);
            if (b.Runtime.Identity == b.PreviousRuntime.Identity)
            {
                docker.Log.Information(
                    "{0}: same platform, layers and runtime config as the previous image {1}, which passed TestImage before it was published: not run again (--force runs it)",
                    reference,
                    b.PreviousReference);
                return new(reference, [], []);
            }
        }

        var output = docker.DockerRunBuiltImage(Settings(target, dockerConfig), reference, ImageSmokeTest.CommandFor(inventory));
        var result = ImageSmokeTest.Parse(output);
        var problems = ImageSmokeTest.Problems(result, target);
        if (problems.Count == 0)
        {
            docker.Log.Information("{0}: {1} on {2}, {3}", reference, result.PythonVersion, result.Machine, result.PipVersion);
        }

        return new(reference, problems, output);
    }

    /// <summary>--dryrun: the `docker run` of one image.</summary>
    public static string Plan(ImageTags tags, ImageTarget target, string? dockerConfig) =>
        DockerRunner.Render(DockerRunner.GetArguments(tags.Reference(tags.ArchTag(target)), ImageSmokeTest.Command, Settings(target, dockerConfig), DockerRunner.NeverPull));

    // No network: the smoke test has no use for an interface.
    private static DockerContainerRunSettings Settings(ImageTarget target, string? dockerConfig) => new DockerContainerRunSettings
    {
        Rm = true,
        Platform = target.Architecture.Platform.ToString(),
        Entrypoint = ImageSmokeTest.Entrypoint,
        Network = "none",
    }.WithDockerConfig(dockerConfig);
}
