using Build.Aws;
using Build.Registry;
using Cake.Core.Diagnostics;

namespace Build.Steps.LogInToRegistry;

/// <summary>
/// Restore's registry step. ECR mode: the account, the registry, the repository and docker's login with the token
/// (<see cref="EcrRestore"/>). A plain registry: docker's login with REGISTRY_USERNAME/PASSWORD when given.
/// </summary>
/// <param name="registry">--registry, or null (ECR mode finds it from the token).</param>
/// <param name="dockerLogin">How docker logs in; null when no task of the run pushes with docker.</param>
public sealed class RegistryLogIn(string? registry, IDockerLogin? dockerLogin, ICakeLog log)
{
    /// <returns>What ECR mode resolved, or null for a plain registry.</returns>
    public async Task<EcrRegistry?> RunAsync(EcrSession? ecr, RegistryCredentials? credentials, string repository, TagMutability newRepositoryTags)
    {
        if (ecr is not null)
        {
            return await new EcrRestore(ecr, registry, log).RunAsync(repository, newRepositoryTags, dockerLogin);
        }

        if (registry is not null && credentials is not null)
        {
            dockerLogin?.Login(registry, credentials);
        }

        return null;
    }

    /// <param name="ecr">ECR mode; <paramref name="accountKnown"/>: AWS_ACCOUNT_ID is set (no STS call).</param>
    public static IEnumerable<string> Plan(bool ecr, string? registry, bool accountKnown, RegistryCredentials? credentials, string repository, TagMutability newRepositoryTags, bool dockerLogin) =>
        ecr ? EcrRestore.Plan(registry, accountKnown, repository, newRepositoryTags, dockerLogin)
            : registry is null ? []
            : PrivateConfigDockerLogin.Plan(registry, dockerLogin ? credentials : null);
}
