using System.Net;
using Cake.Core;

namespace Build.CodeBuild.LocalBatch.Containers;

/// <summary>
/// The batch's own docker network: its nodes join it (never the host's network), reach the outside through the NAT
/// docker sets up for it, and this machine's loopback registry through a <see cref="RegistryRelay"/> on its gateway.
/// Docker creates its bridge and iptables rules with it and removes them with it, when the batch ends.
/// </summary>
public sealed class BatchNetwork : IAsyncDisposable
{
    private BatchNetwork(string name, string id, IPAddress gateway)
    {
        Name = name;
        Id = id;
        Gateway = gateway;
    }

    public string Name { get; }

    public string Id { get; }

    public IPAddress Gateway { get; }

    public static async Task<BatchNetwork> CreateAsync(string name, string label)
    {
        var created = await DockerCli.RunAsync("network", "create", "--driver", "bridge", "--label", label, name);
        if (!created.Succeeded)
        {
            throw new CakeException($"LocalBatch could not create its docker network {name}: {created.LastError}");
        }

        var id = created.Output.Trim();
        var inspected = await DockerCli.RunAsync("network", "inspect", "--format", "{{range .IPAM.Config}}{{.Gateway}} {{end}}", id);
        var gateway = inspected.Output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => IPAddress.TryParse(a, out var ip) ? ip : null)
            .FirstOrDefault(ip => ip?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        if (gateway is null)
        {
            await DockerCli.RunAsync("network", "rm", id);
            throw new CakeException($"LocalBatch's docker network {name} has no IPv4 gateway ({inspected.Output}{inspected.Error}): the nodes could not reach this machine's registry.");
        }

        return new BatchNetwork(name, id, gateway);
    }

    public async ValueTask DisposeAsync() => await DockerCli.RunAsync("network", "rm", Id);
}
