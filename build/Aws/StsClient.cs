using System.Xml;
using System.Xml.Linq;
using Cake.Core;

namespace Build.Aws;

/// <summary>STS GetCallerIdentity (query protocol, XML answer): the account the credentials belong to.</summary>
public sealed class StsClient(AwsClient client)
{
    public async Task<string> GetAccountAsync(CancellationToken ct = default)
    {
        const string operation = "GetCallerIdentity";
        var answer = await client.CallQueryAsync(AwsService.Sts, operation, "2011-06-15", ct).ConfigureAwait(false);
        if (answer.Error is { } error)
        {
            throw AwsErrors.Explain(AwsService.Sts, operation, "*", error);
        }

        try
        {
            var account = XDocument.Parse(answer.Body).Descendants().FirstOrDefault(e => e.Name.LocalName == "Account")?.Value;
            return string.IsNullOrWhiteSpace(account)
                ? throw new CakeException($"STS {operation} answered without an Account. Set AWS_ACCOUNT_ID to skip this call.")
                : account.Trim();
        }
        catch (XmlException e)
        {
            throw new CakeException($"STS {operation} answered with malformed XML ({e.Message}). Set AWS_ACCOUNT_ID to skip this call.");
        }
    }
}
