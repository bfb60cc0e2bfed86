using Build.Docker;
using Build.Docker.Config;
using Build.Registry;

namespace Build.Context;

/// <summary>
/// A plain registry's login as the user set it up: REGISTRY_USERNAME/REGISTRY_PASSWORD when set (they win), else the
/// login docker holds for the registry (DOCKER_CONFIG or ~/.docker/config.json: credHelpers, credsStore, auths), looked
/// up once, on the first request. The docker config is only read.
/// </summary>
public sealed class RegistryLogin : IRegistryCredentialProvider
{
    private readonly RegistryCredentials? _fromVariables;
    private readonly Func<string, string?> _environment;
    private readonly Lazy<RegistryCredentials?> _fromDocker;

    public RegistryLogin(string registry, RegistryCredentials? fromVariables, Func<string, string?> environment)
    {
        _fromVariables = fromVariables is null ? null : fromVariables with { Source = $"{EnvVars.RegistryUsername}/{EnvVars.RegistryPassword}" };
        _environment = environment;
        _fromDocker = new(() => DockerConfigFile.Read(environment).Find(registry) is { } auth
            ? new RegistryCredentials(auth.Username, auth.Password) { IdentityToken = auth.IdentityToken, Source = auth.Source }
            : null);
    }

    public Task<RegistryCredentials?> GetAsync(CancellationToken ct) => Task.FromResult(_fromVariables ?? _fromDocker.Value);

    public string Advice(string registry)
    {
        if (_fromVariables is not null)
        {
            return $"check {EnvVars.RegistryUsername} and {EnvVars.RegistryPassword} (when set, they are used instead of docker's login).";
        }

        var config = DockerConfigFile.Locate(_environment);
        var where = _fromDocker.IsValueCreated && _fromDocker.Value?.Source is { } source ? source : config;
        return $"log in with `docker login {registry}` (this build reads docker's login from {where}" +
               (_environment(DockerEnvVars.Config) is { Length: > 0 } ? $", as DOCKER_CONFIG says" : ", or from DOCKER_CONFIG's config.json when set") +
               $"), or set {EnvVars.RegistryUsername} and {EnvVars.RegistryPassword}.";
    }
}
