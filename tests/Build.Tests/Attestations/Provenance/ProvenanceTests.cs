using Build.Attestations;
using Build.Attestations.Provenance;
using Build.Attestations.Sbom;

namespace Build.Tests.Attestations.Provenance;

public sealed class ProvenanceTests
{
    private static readonly BuildRecord Build = new(
        "dockerfiles/local.json", "3.11", "arm64v8", "linux/arm64/v8", "dockerfiles/debian.Dockerfile", new string('d', 64),
        new Dictionary<string, string> { ["VERSION"] = "3.11", ["ARCH"] = "arm64v8", ["BASE_IMAGE"] = "r:5000/debian-python:bookworm" },
        [new ResolvedBase("r:5000/debian-python:bookworm", "sha256:" + new string('b', 64))],
        "f00d", "https://github.com/org/repo.git", new string('c', 40),
        "arn:aws:codebuild:eu-west-1:111122223333:build/python:1", "python:1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(2));

    [Test]
    public void Should_record_the_build_definition_and_the_builder_as_slsa_v1()
    {
        var predicate = SlsaProvenance.Create(Build);
        var definition = predicate["buildDefinition"]!;

        Assert.That(definition["externalParameters"]!["matrix"]!["dockerfile"]!.GetValue<string>(), Is.EqualTo("dockerfiles/debian.Dockerfile"));
        Assert.That(definition["externalParameters"]!["buildArgs"]!["ARCH"]!.GetValue<string>(), Is.EqualTo("arm64v8"));
        Assert.That(definition["internalParameters"]!["inputsHash"]!.GetValue<string>(), Is.EqualTo("f00d"));
        Assert.That(definition["resolvedDependencies"]![0]!["uri"]!.GetValue<string>(), Is.EqualTo($"git+https://github.com/org/repo.git@{new string('c', 40)}"));
        Assert.That(predicate["runDetails"]!["builder"]!["id"]!.GetValue<string>(), Is.EqualTo("arn:aws:codebuild:eu-west-1:111122223333:build/python:1"));
        Assert.That(predicate["runDetails"]!["metadata"]!["finishedOn"]!.GetValue<string>(), Is.EqualTo("1970-01-01T00:02:00Z"));
    }

    [Test]
    public void Should_read_back_the_facts_a_verifier_compares()
    {
        var facts = SlsaProvenance.Read(SlsaProvenance.Create(Build));

        Assert.That(facts, Is.EqualTo(new SlsaProvenance.Facts("3.11", "linux/arm64/v8", new string('d', 64), facts.Bases, new string('c', 40), "f00d", Build.BuilderId)));
        Assert.That(facts.Bases.Single(), Is.EqualTo(Build.Bases[0]));
    }

    [Test]
    public void Should_make_an_in_toto_v1_statement_about_the_digest()
    {
        var digest = "sha256:" + new string('a', 64);

        var statement = InTotoStatement.Read(InTotoStatement.Create("r/python", digest, PredicateTypes.SlsaProvenanceV1, SlsaProvenance.Create(Build)))!;

        Assert.That(statement.Type, Is.EqualTo("https://in-toto.io/Statement/v1"));
        Assert.That(statement.PredicateType, Is.EqualTo("https://slsa.dev/provenance/v1"));
        Assert.That(statement.SubjectDigests, Is.EqualTo(new[] { digest }));
    }

    [Test]
    public void Should_move_a_previous_sbom_to_the_new_image()
    {
        var previous = CycloneDx.Create(new PackageInventory(null, [new Package(PackageKind.Deb, "python3.11", "3.11.2-6")], ["gap"], "test"),
            "r/python", "sha256:" + new string('1', 64), "tool", DateTimeOffset.UnixEpoch);

        var moved = PreviousSbom.Retarget(previous, "r/python", "sha256:" + new string('2', 64), "sha256:" + new string('1', 64), DateTimeOffset.UnixEpoch);

        Assert.That(moved["metadata"]!["component"]!["version"]!.GetValue<string>(), Is.EqualTo("sha256:" + new string('2', 64)));
        Assert.That(moved["serialNumber"]!.GetValue<string>(), Is.Not.EqualTo(previous["serialNumber"]!.GetValue<string>()));
        Assert.That(moved["compositions"]![0]!["assemblies"]![0]!.GetValue<string>(), Does.EndWith(new string('2', 64)));
        Assert.That(moved["components"]!.ToJsonString(), Is.EqualTo(previous["components"]!.ToJsonString()));
    }
}
