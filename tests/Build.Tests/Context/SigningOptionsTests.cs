using Build.Tests.Support;

namespace Build.Tests.Context;

/// <summary>Bad signing input fails at Setup, before any registry or docker call, naming the bad value and never a key.</summary>
public sealed class SigningOptionsTests
{
    private static BuildProgram.Result Run(Dictionary<string, string?> environment, params string[] arguments)
    {
        using var matrix = TempMatrix.TwoByTwo();
        using var docker = new FakeDocker();
        foreach (var (name, value) in docker.Environment)
        {
            environment[name] = value;
        }

        var result = BuildProgram.Run([$"--matrix={matrix.Path}", "--registry=127.0.0.1:1", "--tag-suffix=x", .. arguments], environment);
        Assert.That(docker.Calls, Is.Empty, "nothing ran");
        return result;
    }

    [Test]
    public void Should_refuse_verify_on_a_target_without_pushmanifest()
    {
        var result = Run([], "--target=PushImage", "--verify");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Output, Does.Contain("--verify is the last step of PushManifest").And.Contain("--target=VerifyImage"));
    }

    [Test]
    public void Should_refuse_verifyimage_without_any_key()
    {
        var result = Run([], "--target=VerifyImage");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Output, Does.Contain("VerifyImage needs a key").And.Contain("--public-key"));
    }

    [Test]
    public void Should_name_signing_key_when_it_holds_no_key_without_echoing_it()
    {
        var result = Run(new() { ["SIGNING_KEY"] = "s3cr3t-not-a-key-value" }, "--target=PushManifest");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Output, Does.Contain("SIGNING_KEY holds neither a PEM private key").And.Not.Contain("s3cr3t-not-a-key-value"));
    }

    [Test]
    public void Should_name_a_key_file_that_cannot_be_read()
    {
        var result = Run([], "--target=PushManifest", "--signing-key=/nonexistent/cosign.pem");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Output, Does.Contain("--signing-key '/nonexistent/cosign.pem' cannot be read"));
    }

    [Test]
    public void Should_name_a_kms_key_reference_it_cannot_use()
    {
        var result = Run([], "--target=PushManifest", "--signing-key=awskms://localhost:4566/alias/k");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Output, Does.Contain("awskms://localhost:4566/alias/k").And.Contain("AWS_ENDPOINT_URL_KMS"));
    }
}
