using System.Net;
using System.Net.Sockets;
using System.Text;
using Build.CodeBuild.LocalBatch;
using Build.CodeBuild.LocalBatch.Containers;
using Build.Tests.Support;
using Cake.Core;

namespace Build.Tests.CodeBuild.LocalBatch.Containers;

/// <summary>The in-process parts of container isolation: the option, the registry relay, the privileged fallback flags.</summary>
public sealed class LocalBatchContainersTests
{
    [TestCase("container", Isolation.Container)]
    [TestCase("process", Isolation.Process)]
    public void Should_parse_each_isolation(string value, Isolation expected) =>
        Assert.That(Isolations.Parse(value), Is.EqualTo(expected));

    [Test]
    public void Should_name_the_bad_isolation_and_the_valid_ones() =>
        Assert.That(() => Isolations.Parse("vm"), Throws.TypeOf<CakeException>().With.Message.Contains("'vm'").And.Message.Contains("container").And.Message.Contains("process"));

    [TestCase("127.0.0.1:5000", "127.0.0.1:5000")]
    [TestCase("localhost:5001", "127.0.0.1:5001")]
    [TestCase("127.8.9.1:443", "127.8.9.1:443")]
    [TestCase("[::1]:5000", "[::1]:5000")]
    public void Should_relay_a_registry_on_the_loopback(string host, string endpoint) =>
        Assert.That(RegistryRelay.LoopbackEndpoint(host)?.ToString(), Is.EqualTo(endpoint));

    [TestCase("registry.example.com:5000")]
    [TestCase("10.0.0.5:5000")]
    [TestCase("123456789012.dkr.ecr.eu-west-1.amazonaws.com")]
    [TestCase("127.0.0.1")]
    public void Should_not_relay_any_other_registry(string host) =>
        Assert.That(RegistryRelay.LoopbackEndpoint(host), Is.Null);

    [Test]
    public async Task Should_carry_both_directions_of_each_connection_to_the_registry_and_stop_listening_when_disposed()
    {
        using var upstream = new TcpListener(IPAddress.Loopback, 0);
        upstream.Start();
        var served = Task.Run(async () =>
        {
            using var client = await upstream.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("echo:" + Encoding.ASCII.GetString(buffer, 0, read)));
        });

        var relay = RegistryRelay.Start(IPAddress.Loopback, (IPEndPoint)upstream.LocalEndpoint);
        var endpoint = relay.Endpoint;
        using (var node = new TcpClient())
        {
            await node.ConnectAsync(endpoint);
            var stream = node.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /v2/"));
            using var reader = new StreamReader(stream, Encoding.ASCII);
            Assert.That(await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo("echo:GET /v2/"));
        }

        await served;
        await relay.DisposeAsync();
        using var late = new TcpClient();
        Assert.That(async () => await late.ConnectAsync(endpoint), Throws.InstanceOf<SocketException>(), "the relay still listens after the batch");
    }

    [Test]
    public void Should_fall_back_to_every_capability_but_SYS_RESOURCE_with_the_profiles_lifted() =>
        Assert.That(string.Join(' ', ContainerSupport.Fallback), Is.EqualTo(
            "--cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined"));

    [Test]
    public void Should_give_the_node_writable_cgroups_from_the_one_script_the_fresh_machine_test_sources()
    {
        var shared = File.ReadAllText(Path.Combine(BuildProgram.RepositoryRoot, "build", "CodeBuild", "LocalBatch", "Containers", "writable-cgroups.sh"));

        var remounting = NodeScript.Render("amd64_py311", cache: null, remountCgroups: true, relay: null);
        var privileged = NodeScript.Render("amd64_py311", cache: null, remountCgroups: false, relay: null);

        Assert.That(remounting, Does.Contain(shared + "writable_cgroups\n").Or.Contain(shared + "writable_cgroups\r\n"));
        Assert.That(privileged, Does.Not.Contain("writable_cgroups"));
        Assert.That(File.ReadAllText(Path.Combine(BuildProgram.RepositoryRoot, "tests", "fresh-machine", "cgroups.sh")),
            Does.Contain("source build/CodeBuild/LocalBatch/Containers/writable-cgroups.sh"));
        Assert.That(Shell.Run("bash", "-n", "-c", remounting), Is.Empty, "the node script parses as bash");
    }
}
