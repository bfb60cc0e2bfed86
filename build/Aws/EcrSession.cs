using Build.Registry;
using Cake.Core;

namespace Build.Aws;

/// <summary>
/// A run's ECR side: the signed client, the account, the private registry's token (cached, renewed) and, with
/// --public-registry, ECR Public's. Restore fills in the account, registry and repository.
/// </summary>
public sealed class EcrSession : IDisposable
{
    private readonly AwsClient _client;

    public EcrSession(AwsSettings settings, Action<string>? log)
    {
        _client = new AwsClient(settings, log);
        Ecr = new EcrClient(_client);
        Sts = new StsClient(_client);
        Tokens = new EcrTokenCache(Ecr.GetAuthorizationTokenAsync);
        Account = settings.Account;
    }

    public AwsSettings Settings => _client.Settings;

    public EcrClient Ecr { get; }

    public StsClient Sts { get; }

    public EcrTokenCache Tokens { get; }

    /// <summary>From AWS_ACCOUNT_ID or the ECR host at first, else from STS once Restore asked.</summary>
    public string? Account { get; set; }

    /// <summary>The repository as ECR describes it; set by Restore.</summary>
    public EcrRepository? Repository { get; set; }

    public EcrTokenCache? PublicTokens { get; private set; }

    /// <summary>The token docker is logged in with (run-private DOCKER_CONFIG), or null before the login.</summary>
    public EcrToken? DockerLogin { get; set; }

    public EcrTokenCache PublicTokensFor(string registry) =>
        PublicTokens ??= new EcrTokenCache(ct => Ecr.GetPublicAuthorizationTokenAsync(registry, ct));

    public string RequireAccount() => Account ?? throw new InvalidOperationException("Restore resolves the AWS account first.");

    public void Dispose() => _client.Dispose();
}
