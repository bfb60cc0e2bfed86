using Build.Registry;
using NUnit.Framework;

namespace Build.Tests.Registry;

public class RegistryEndpointTests
{
    [TestCase("127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [TestCase("127.4.5.6:5000", "http://127.4.5.6:5000/")]
    [TestCase("localhost:5000", "http://localhost:5000/")]
    [TestCase("localhost", "http://localhost/")]
    [TestCase("[::1]:5000", "http://[::1]:5000/")]
    [TestCase("127.0.0.1:443", "http://127.0.0.1:443/")]
    [TestCase("ghcr.io", "https://ghcr.io/")]
    [TestCase("registry.example.com:5000", "https://registry.example.com:5000/")]
    [TestCase("10.0.0.5:5000", "https://10.0.0.5:5000/")]
    [TestCase("128.0.0.1:5000", "https://128.0.0.1:5000/")]
    [TestCase("http://registry.internal:5000", "http://registry.internal:5000/")]
    [TestCase("https://127.0.0.1:5000/", "https://127.0.0.1:5000/")]
    [TestCase("docker.io", "https://registry-1.docker.io/")]
    public void Should_use_plain_http_only_for_loopback_hosts(string registry, string expected)
    {
        Assert.That(RegistryEndpoint.BaseUri(registry).AbsoluteUri, Is.EqualTo(expected));
    }

    [TestCase("127.0.0.1:5000/python")]
    [TestCase("user:pass@registry.example.com")]
    [TestCase("http://")]
    public void Should_reject_registry_that_is_not_a_host(string registry)
    {
        var error = Assert.Throws<ArgumentException>(() => RegistryEndpoint.BaseUri(registry))!;

        Assert.That(error.Message, Does.Contain($"'{registry}' is not a registry"));
    }
}
