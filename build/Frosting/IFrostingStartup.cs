using Microsoft.Extensions.DependencyInjection;

namespace Cake.Frosting;

/// <summary>Configures the host's services in one class (<c>UseStartup</c>).</summary>
public interface IFrostingStartup
{
    void Configure(IServiceCollection services);
}
