using Build.Context;
using Build.Docker;
using Cake.Common.Diagnostics;
using Cake.Docker;

namespace Build.Aws;

/// <summary>
/// Restore's ECR part: the account (AWS_ACCOUNT_ID or STS), the registry token and where the registry is, the
/// repository (created when missing), and docker's login in a run-private DOCKER_CONFIG for the tasks that push.
/// </summary>
public static class EcrRestore
{
    public static async Task RunAsync(BuildContext context, EcrSession ecr)
    {
        if (ecr.Account is null)
        {
            ecr.Account = await ecr.Sts.GetAccountAsync();
            context.Information("AWS account {0} (from STS GetCallerIdentity).", ecr.Account);
        }

        var token = await ecr.Tokens.GetAsync();
        var registry = context.Options.Registry ?? new Uri(token.ProxyEndpoint).Authority;
        context.UseRegistry(registry, context.Options.Registry ?? token.ProxyEndpoint);
        context.Information("ECR registry {0} (token valid until {1:u}).", registry, token.ExpiresAt);

        var name = context.Tags.Repository;
        var account = ecr.RequireAccount();
        ecr.Repository = await ecr.Ecr.DescribeRepositoryAsync(account, name);
        if (ecr.Repository is null)
        {
            ecr.Repository = await ecr.Ecr.CreateRepositoryAsync(account, name, context.Options.TagImmutability);
            context.Information(
                "Created the ECR repository {0} (tags {1}, scan on push, AES256).", name, ecr.Repository.TagMutability.ToString().ToUpperInvariant());
        }
        else
        {
            context.Information("ECR repository {0} exists (tags {1}).", name, ecr.Repository.TagMutability.ToString().ToUpperInvariant());
        }

        if (TaskNames.NeedDockerLogin.Any(context.Runs))
        {
            Login(context, registry, token.Credentials);
            ecr.DockerLogin = token;
        }

        await context.RegistryClient.CheckAsync();
        context.Information("Registry {0} answers.", registry);
    }

    /// <summary>Logs docker in again when the cached token was renewed since (a run that outlives a token).</summary>
    public static async Task RefreshDockerLoginAsync(BuildContext context, EcrSession ecr)
    {
        var token = await ecr.Tokens.GetAsync();
        if (ecr.DockerLogin is not null && !ReferenceEquals(token, ecr.DockerLogin))
        {
            Login(context, context.RegistryHost, token.Credentials);
            ecr.DockerLogin = token;
        }
    }

    /// <summary>docker login into the run's private DOCKER_CONFIG (created on first use, removed at teardown).</summary>
    public static void Login(BuildContext context, string registry, Registry.RegistryCredentials credentials)
    {
        context.DockerLoginWithPasswordStdin(
            new DockerRegistryLoginSettings { Username = credentials.Username, Password = credentials.Password }.WithDockerConfig(context.EnsureDockerConfig()),
            registry);
        context.Information("Logged in to {0} as {1} (credentials kept in a run-private DOCKER_CONFIG).", registry, credentials.Username);
    }

    public static IEnumerable<string> Plan(BuildContext context)
    {
        var registry = context.Options.Registry ?? "the proxyEndpoint";
        if (context.Options.Registry is null && context.Environment.GetEnvironmentVariable(EnvVars.AwsAccountId) is not { Length: > 0 })
        {
            yield return "STS GetCallerIdentity (the account)";
        }

        yield return "ECR GetAuthorizationToken (registry login, user AWS)";
        yield return $"ECR DescribeRepositories {context.Tags.Repository}; CreateRepository when missing (scan on push, {context.Options.TagImmutability.ToString().ToUpperInvariant()} tags, AES256)";
        if (TaskNames.NeedDockerLogin.Any(context.Runs))
        {
            yield return $"docker login --username AWS --password-stdin {registry}  (token on standard input, run-private DOCKER_CONFIG)";
        }

        yield return $"registry API: GET {registry}/v2/";
    }
}
