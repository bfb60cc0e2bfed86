using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Cake.Core;

namespace Build.Aws;

/// <summary>
/// STS GetCallerIdentity through the SDK's own STS client: the account the credentials belong to. The client reads its
/// endpoint (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the config file) and retry settings (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE) itself.
/// </summary>
public sealed class StsClient(AwsSettings settings) : IDisposable
{
    private readonly AmazonSecurityTokenServiceClient _client = new(
        settings.Credentials, new AmazonSecurityTokenServiceConfig { RegionEndpoint = RegionEndpoint.GetBySystemName(settings.RegionName) });

    public async Task<string> GetAccountAsync(CancellationToken ct = default)
    {
        const string operation = "GetCallerIdentity";
        GetCallerIdentityResponse response;
        try
        {
            response = await _client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), ct).ConfigureAwait(false);
        }
        catch (AmazonServiceException e) when (e.StatusCode is not 0)
        {
            var error = new AwsError(e.StatusCode, e.ErrorCode ?? $"HTTP{(int)e.StatusCode}", e.Message, e.RequestId);
            throw AwsErrors.CredentialsRejected($"{AwsService.Sts} {operation}", error) ?? AwsErrors.Explain(AwsService.Sts, operation, "*", error);
        }
        catch (AmazonClientException e)
        {
            throw new CakeException($"STS {operation} failed: {e.Message.TrimEnd('.')}. Set AWS_ACCOUNT_ID to skip this call, or check the STS endpoint (AWS_ENDPOINT_URL_STS).");
        }

        return string.IsNullOrWhiteSpace(response.Account)
            ? throw new CakeException($"STS {operation} answered without an Account. Set AWS_ACCOUNT_ID to skip this call.")
            : response.Account.Trim();
    }

    public void Dispose() => _client.Dispose();
}
