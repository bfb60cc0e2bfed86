using System.Text.Json;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>
/// A node rerun with unchanged inputs builds nothing and moves no layer: the registry already holds the image under
/// its inputs tag, and PushImage tags it remotely. Checked with a docker that records its calls and a proxy that
/// counts blob uploads, in front of a real registry.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class UnchangedInputsTests() : ProxiedRegistryTests("inputs")
{
    protected override void WriteMatrices(RegistryFixture fixture) => fixture.WriteMatrix("images.json", ["3.11"], ["amd64"]);

    [Test]
    public async Task Should_rerun_a_node_with_unchanged_inputs_without_building_or_moving_a_layer()
    {
        var first = Build(null, "--target=PushImage", "--tag-suffix=u1");
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        var uploadsBefore = Fixture.Proxy.BlobUploads;

        using var docker = RecordingDocker.PassThrough();
        var rerun = Build(docker.Environment, "--target=PushImage", "--tag-suffix=u2");
        var manifestNode = Build(docker.Environment, "--target=PushManifest", "--tag-suffix=u2");

        Assert.That(rerun.ExitCode, Is.EqualTo(0), rerun.ToString());
        Assert.That(manifestNode.ExitCode, Is.EqualTo(0), manifestNode.ToString());
        Assert.That(uploadsBefore, Is.GreaterThan(0), "the first run pushed layers through the proxy");
        Assert.That(Fixture.Proxy.BlobUploads, Is.EqualTo(uploadsBefore), "the rerun uploaded no blob");
        Assert.That(docker.Calls.Where(c => c.Split(' ')[0] is "build" or "push" or "pull" or "run" or "load"), Is.Empty, string.Join("\n", docker.Calls));
        Assert.That(rerun.Output, Does.Contain("inputs unchanged").And.Contain("no layer pulled or pushed"));

        using var client = Fixture.Registry.CreateClient();
        var original = await client.HeadManifestAsync("python", "3.11.u1-amd64");
        var retagged = await client.HeadManifestAsync("python", "3.11.u2-amd64");
        Assert.That(retagged?.Digest, Is.EqualTo(original?.Digest).And.Not.Null);
        var list = await client.GetManifestAsync("python", "3.11.u2");
        Assert.That(list!.Descriptors().Single().Digest, Is.EqualTo(original!.Digest));
        Assert.That(await InputsTagsAsync(original.Digest), Has.Count.EqualTo(1), "the image is recorded under one inputs tag");
    }

    [Test]
    public async Task Should_rebuild_when_forced_or_when_an_input_changed_reusing_the_previous_image_as_cache()
    {
        var first = Build(null, "--target=PushImage", "--tag-suffix=u3");
        var list = Build(null, "--target=PushManifest", "--tag-suffix=u3");
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString());

        using (var docker = RecordingDocker.PassThrough())
        {
            var forced = Build(docker.Environment, "--target=PushImage", "--tag-suffix=u4", "--force");
            Assert.That(forced.ExitCode, Is.EqualTo(0), forced.ToString());
            Assert.That(docker.CallsOf("build"), Has.Count.EqualTo(1));
            Assert.That(docker.CallsOf("run"), Has.Count.EqualTo(1), "--force also runs TestImage again");
        }

        var extra = Path.Combine(Fixture.Directory, "requirements.txt");
        File.WriteAllText(extra, "# a new file in the build context\n");
        try
        {
            using var docker = RecordingDocker.PassThrough();
            var changed = Build(docker.Environment, "--target=PushImage", "--tag-suffix=u5");
            Assert.That(changed.ExitCode, Is.EqualTo(0), changed.ToString());
            Assert.That(docker.CallsOf("build"), Has.Count.EqualTo(1));
            var previous = $"{Fixture.Proxy.Address}/python:3.11";
            Assert.That(docker.CallsOf("pull"), Is.EqualTo(new[] { $"pull --platform linux/amd64 --quiet {previous}" }), "the previous image of the version is pulled for the arch");
            Assert.That(docker.CallsOf("build").Single(), Does.Contain($"--cache-from {previous}"));

            // Every step came from the cache: the image runs exactly like the tested previous one, so TestImage
            // does not start it again.
            Assert.That(docker.CallsOf("run"), Is.Empty, string.Join("\n", docker.Calls));
            Assert.That(changed.Output, Does.Contain("not run again"));

            // The labels, written as one LABEL step of a copy of the Dockerfile rather than one step per --label.
            Assert.That(docker.CallsOf("build").Single(), Does.Contain(".labelled").And.Not.Contain("--label"));
            var labels = await LabelsAsync("3.11.u5-amd64");
            Assert.That(labels["org.opencontainers.image.version"], Is.EqualTo("3.11.u5"));
            Assert.That(labels["runtime"], Is.EqualTo("python3.11"), "the Dockerfile's own label is kept");
            Assert.That(labels["org.opencontainers.image.revision"], Is.EqualTo(Shell.Run("git", "-C", BuildProgram.RepositoryRoot, "rev-parse", "HEAD").Trim()));
            Assert.That(labels["org.python-images.inputs.sha256"], Is.Not.EqualTo((await LabelsAsync("3.11.u3-amd64"))["org.python-images.inputs.sha256"]));
        }
        finally
        {
            File.Delete(extra);
        }

        // A change to how the image runs (here its environment) is tested again, even with every layer the same.
        var dockerfile = Path.Combine(Fixture.Directory, "python.Dockerfile");
        var original = File.ReadAllText(dockerfile);
        File.AppendAllText(dockerfile, "ENV PYTHONDONTWRITEBYTECODE=1\n");
        try
        {
            using var docker = RecordingDocker.PassThrough();
            var runtimeChanged = Build(docker.Environment, "--target=PushImage", "--tag-suffix=u6");
            Assert.That(runtimeChanged.ExitCode, Is.EqualTo(0), runtimeChanged.ToString());
            Assert.That(docker.CallsOf("run"), Has.Count.EqualTo(1), string.Join("\n", docker.Calls));
        }
        finally
        {
            File.WriteAllText(dockerfile, original);
        }
    }

    private async Task<Dictionary<string, string>> LabelsAsync(string tag)
    {
        using var client = Fixture.Registry.CreateClient();
        var manifest = await client.GetManifestAsync("python", tag) ?? throw new AssertionException($"python:{tag} is not in the registry");
        using var config = new MemoryStream();
        await client.DownloadBlobAsync("python", manifest.BlobDigests()[0], config);
        using var image = JsonDocument.Parse(config.ToArray());
        return image.RootElement.GetProperty("config").GetProperty("Labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    private async Task<List<string>> InputsTagsAsync(string digest)
    {
        using var http = Fixture.Registry.CreateHttpClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync("v2/python/tags/list"));
        using var client = Fixture.Registry.CreateClient();
        var matching = new List<string>();
        foreach (var tag in document.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).Where(t => t.Contains(".inputs-", StringComparison.Ordinal)))
        {
            if ((await client.HeadManifestAsync("python", tag))?.Digest == digest)
            {
                matching.Add(tag);
            }
        }

        return matching;
    }

    private BuildProgram.Result Build(IDictionary<string, string?>? environment, params string[] arguments) =>
        Fixture.Run("images.json", environment, ["--install-prerequisites=false", .. arguments]);
}
