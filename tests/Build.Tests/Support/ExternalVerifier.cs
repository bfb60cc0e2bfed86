using System.Diagnostics;
using System.Security.Cryptography;

namespace Build.Tests.Support;

/// <summary>
/// tests/Build.Tests/Signing/cosign_verify.py: a verifier outside the product (Python's cryptography, written from
/// cosign's specs) that reads the .sig / .att straight from the registry. Exit 0 means verified.
/// </summary>
public static class ExternalVerifier
{
    public static string Script => Path.Combine(BuildProgram.RepositoryRoot, "tests", "Build.Tests", "Signing", "cosign_verify.py");

    public static BuildProgram.Result Run(string check, string registry, string repository, string publicKeyPath, string reference, params string[] extra) =>
        Run(check, registry, repository, publicKeyPath, reference, null, extra);

    public static BuildProgram.Result Run(
        string check, string registry, string repository, string publicKeyPath, string reference, Build.Registry.RegistryCredentials? login, params string[] extra)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Script, check, "--registry", registry, "--repository", repository, "--key", publicKeyPath, "--reference", reference }.Concat(extra))
        {
            start.ArgumentList.Add(argument);
        }

        if (login is not null)
        {
            start.Environment["REGISTRY_USERNAME"] = login.Username;
            start.Environment["REGISTRY_PASSWORD"] = login.Password;
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var result = new BuildProgram.Result(process.ExitCode, stdout + stderr.Result);
        TestContext.Progress.WriteLine($"$ cosign_verify.py {check} {repository}:{reference} → exit {result.ExitCode}: {result.Output.Trim()}");
        return result;
    }
}

/// <summary>A P-256 key pair for a test: the private PEM (only in memory and, for --signing-key file tests, a temp file) and the public PEM file.</summary>
public sealed class TestKeyPair : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("test-keys-").FullName;

    public TestKeyPair()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        PrivatePem = key.ExportPkcs8PrivateKeyPem();
        PublicPem = key.ExportSubjectPublicKeyInfoPem();
        PrivateKeyPath = Path.Combine(_directory, "cosign.key.pem");
        PublicKeyPath = Path.Combine(_directory, "cosign.pub");
        File.WriteAllText(PrivateKeyPath, PrivatePem);
        File.WriteAllText(PublicKeyPath, PublicPem);
    }

    public string PrivatePem { get; }

    public string PublicPem { get; }

    public string PrivateKeyPath { get; }

    public string PublicKeyPath { get; }

    /// <summary>The base64 body of the private key: what must never show up in a log or a file.</summary>
    public string PrivateKeyBody => string.Concat(PrivatePem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
