using Build.Aws;
using Cake.Core.Diagnostics;

namespace Build.Steps.LogInToRegistry;

/// <summary>
/// What Restore resolved in ECR mode, handed to the tasks after it (never changed afterwards): the account, where the
/// registry is (its host for tags, the endpoint for the API), the repository as ECR describes it, and docker's login.
/// </summary>
/// <param name="DockerLogin">Null when no task of the run pushes with docker.</param>
public sealed record EcrRegistry(string Account, string Host, string Api, EcrRepository Repository, EcrDockerLogin? DockerLogin);

/// <summary>
/// Restore's ECR part: the account (AWS_ACCOUNT_ID or STS), the registry token and where the registry is, the
/// repository (created when missing), and docker's login in a run-private DOCKER_CONFIG for the tasks that push.
/// </summary>
/// <param name="registry">--registry (an ECR host), or null: the token's proxyEndpoint names it.</param>
/// <param name="dockerLogin">How docker logs in; null when no task of the run pushes with docker.</param>
public sealed class EcrRestore(EcrSession ecr, string? registry, ICakeLog log)
{
    public async Task<EcrRegistry> RunAsync(string repository, TagMutability newRepositoryTags, IDockerLogin? dockerLogin)
    {
        var account = ecr.Account;
        if (account is null)
        {
            account = await ecr.Sts.GetAccountAsync();
            log.Information("AWS account {0} (from STS GetCallerIdentity).", account);
        }

        var token = await ecr.Tokens.GetAsync();
        var host = registry ?? new Uri(token.ProxyEndpoint).Authority;
        log.Information("ECR registry {0} (token valid until {1:u}).", host, token.ExpiresAt);

        var described = await ecr.Ecr.DescribeRepositoryAsync(account, repository);
        if (described is null)
        {
            described = await ecr.Ecr.CreateRepositoryAsync(account, repository, newRepositoryTags);
            log.Information(
                "Created the ECR repository {0} (tags {1}, scan on push, AES256).", repository, described.TagMutability.ToString().ToUpperInvariant());
        }
        else
        {
            log.Information("ECR repository {0} exists (tags {1}).", repository, described.TagMutability.ToString().ToUpperInvariant());
        }

        EcrDockerLogin? login = null;
        if (dockerLogin is not null)
        {
            login = new EcrDockerLogin(ecr.Tokens, dockerLogin, host);
            await login.LoginAsync();
        }

        return new EcrRegistry(account, host, registry ?? token.ProxyEndpoint, described, login);
    }

    /// <param name="accountKnown">AWS_ACCOUNT_ID is set (no STS call).</param>
    public static IEnumerable<string> Plan(string? registry, bool accountKnown, string repository, TagMutability newRepositoryTags, bool dockerLogin)
    {
        var shown = registry ?? "the proxyEndpoint";
        if (registry is null && !accountKnown)
        {
            yield return "STS GetCallerIdentity (the account)";
        }

        yield return "ECR GetAuthorizationToken (registry login, user AWS)";
        yield return $"ECR DescribeRepositories {repository}; CreateRepository when missing (scan on push, {newRepositoryTags.ToString().ToUpperInvariant()} tags, AES256)";
        if (dockerLogin)
        {
            yield return $"docker login --username AWS --password-stdin {shown}  (token on standard input, run-private DOCKER_CONFIG)";
        }

        yield return $"registry API: GET {shown}/v2/";
    }
}
