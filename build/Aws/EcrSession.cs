using Build.Registry;
using Cake.Core;

namespace Build.Aws;

/// <summary>
/// A run's ECR side: the signed client, the account when known up front, the private registry's token (cached,
/// renewed) and, with --public-registry, ECR Public's. What Restore resolves is its result (EcrRegistry), not set here.
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

    /// <summary>From AWS_ACCOUNT_ID or the ECR host; null when Restore must ask STS.</summary>
    public string? Account { get; }

    public EcrTokenCache? PublicTokens { get; private set; }

    public EcrTokenCache PublicTokensFor(string registry) =>
        PublicTokens ??= new EcrTokenCache(ct => Ecr.GetPublicAuthorizationTokenAsync(registry, ct));

    public void Dispose() => _client.Dispose();
}
