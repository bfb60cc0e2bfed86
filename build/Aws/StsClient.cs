using System.Xml;
using System.Xml.Linq;
using Cake.Core;

namespace Build.Aws;

/// <summary>
/// STS GetCallerIdentity over <see cref="AwsClient"/> (the query protocol: a form body, an XML answer): the account the
/// credentials belong to. Endpoint (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the config file), retries and signing are
/// the client's, as for ECR and CodeBuild.
/// </summary>
public sealed class StsClient(AwsClient client)
{
    public async Task<string> GetAccountAsync(CancellationToken ct = default)
    {
        const string operation = "GetCallerIdentity";
        var answer = await client.CallQueryAsync(AwsService.Sts, operation, "Action=GetCallerIdentity&Version=2011-06-15", ct).ConfigureAwait(false);
        if (answer.Error is { } error)
        {
            throw AwsErrors.Explain(AwsService.Sts, operation, "*", error);
        }

        string? account;
        try
        {
            account = XDocument.Parse(answer.Body).Descendants().FirstOrDefault(e => e.Name.LocalName == "Account")?.Value;
        }
        catch (XmlException e)
        {
            throw new CakeException($"STS {operation} answered something that is not XML ({e.Message}). Set AWS_ACCOUNT_ID to skip this call, or check the STS endpoint (AWS_ENDPOINT_URL_STS).");
        }

        return string.IsNullOrWhiteSpace(account)
            ? throw new CakeException($"STS {operation} answered without an Account. Set AWS_ACCOUNT_ID to skip this call.")
            : account.Trim();
    }
}
