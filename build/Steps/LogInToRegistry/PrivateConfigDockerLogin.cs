using Build.Docker;
using Build.Docker.Login;
using Build.Registry;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Docker;

namespace Build.Steps.LogInToRegistry;

/// <summary>
/// docker login into the run's private DOCKER_CONFIG (<paramref name="ensureConfig"/> makes it on first use; the run
/// removes it at teardown), password on standard input. The same for a plain registry and for ECR's token.
/// </summary>
public sealed class PrivateConfigDockerLogin(ICakeContext context, Func<string> ensureConfig) : IDockerLogin
{
    public void Login(string registry, RegistryCredentials credentials)
    {
        context.DockerLoginWithPasswordStdin(
            new DockerRegistryLoginSettings { Username = credentials.Username, Password = credentials.Password }.WithDockerConfig(ensureConfig()),
            registry);
        context.Log.Information("Logged in to {0} as {1} (credentials kept in a run-private DOCKER_CONFIG).", registry, credentials.Username);
    }

    /// <summary>--dryrun: a plain registry's login (when <paramref name="credentials"/> are given) and check.</summary>
    public static IEnumerable<string> Plan(string registry, RegistryCredentials? credentials)
    {
        if (credentials is not null)
        {
            var settings = new DockerRegistryLoginSettings { Username = credentials.Username, Password = credentials.Password };
            yield return DockerLoginRunner.Render(DockerLoginRunner.GetArguments(registry, settings)) + "  (password on standard input)";
        }

        yield return $"registry API: GET {registry}/v2/";
    }
}
