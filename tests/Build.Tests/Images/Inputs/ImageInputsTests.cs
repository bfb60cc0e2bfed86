using Build.Dockerfiles;
using Build.Images;
using Build.Images.Inputs;

namespace Build.Tests.Images.Inputs;

[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class ImageInputsTests : IDisposable
{
    private static readonly ImageTarget Amd64 = Target("amd64");
    private readonly string _context = Directory.CreateTempSubdirectory("inputs-").FullName;
    private readonly Dictionary<string, string> _args = new() { ["VERSION"] = "3.11", ["ARCH"] = "amd64" };
    private readonly Dictionary<string, string> _bases = new() { ["127.0.0.1:5000/debian:bookworm"] = "sha256:" + new string('a', 64) };

    public ImageInputsTests()
    {
        File.WriteAllText(Dockerfile, "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n");
        File.WriteAllText(Path.Combine(_context, ".dockerignore"), "*.log\n");
    }

    private string Dockerfile => Path.Combine(_context, "python.Dockerfile");

    [Test]
    public void Should_give_the_same_hash_and_tag_for_the_same_inputs()
    {
        var first = Compute();
        var second = Compute();

        Assert.That(second, Is.EqualTo(first));
        Assert.That(first.Tag, Is.EqualTo($"3.11-amd64.inputs-{first.Hash[..24]}"));
    }

    [Test]
    public void Should_change_with_each_input()
    {
        var before = Compute().Hash;
        var hashes = new List<string>();

        File.AppendAllText(Dockerfile, "RUN true\n");
        hashes.Add(Compute().Hash);
        File.WriteAllText(Path.Combine(_context, "requirements.txt"), "requests\n");
        hashes.Add(Compute().Hash);
        _args["EXTRA"] = "1";
        hashes.Add(Compute().Hash);
        _bases["127.0.0.1:5000/debian:bookworm"] = "sha256:" + new string('b', 64);
        hashes.Add(Compute().Hash);
        hashes.Add(ImageInputs.Compute(Target("arm64v8"), Dockerfile, _context, _args, _bases).Hash);

        Assert.That(hashes.Prepend(before).Distinct().Count(), Is.EqualTo(6), "every change gives a new hash");
    }

    [Test]
    public void Should_ignore_what_dockerignore_leaves_out_of_the_context()
    {
        var before = Compute().Hash;

        File.WriteAllText(Path.Combine(_context, "build.log"), "noise");

        Assert.That(Compute().Hash, Is.EqualTo(before));
    }

    [Test]
    public void Should_resolve_the_base_from_arg_defaults_and_build_args()
    {
        const string text = "ARG REGISTRY=docker.io\nARG BASE=${REGISTRY}/library/debian:12\nFROM ${BASE} AS build\nARG LATER=x\nFROM build\nFROM scratch\n";

        Assert.That(DockerfileChecker.Bases(text, new Dictionary<string, string>()), Is.EqualTo(new[] { "docker.io/library/debian:12" }));
        Assert.That(DockerfileChecker.Bases(text, new Dictionary<string, string> { ["BASE"] = "127.0.0.1:5000/debian@sha256:" + new string('c', 64) }),
            Is.EqualTo(new[] { "127.0.0.1:5000/debian@sha256:" + new string('c', 64) }));
    }

    public void Dispose() => Directory.Delete(_context, recursive: true);

    private ImageInputs Compute() => ImageInputs.Compute(Amd64, Dockerfile, _context, _args, _bases);

    private static ImageTarget Target(string arch)
    {
        var architecture = Architectures.Find(arch)!;
        return new ImageTarget(new ImageEntry("3.11", "python.Dockerfile", [architecture], new Dictionary<string, string>()), architecture);
    }
}
