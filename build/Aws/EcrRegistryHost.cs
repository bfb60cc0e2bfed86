using System.Text.RegularExpressions;

namespace Build.Aws;

/// <summary>A private ECR registry host: <c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.amazonaws.com</c> (also .com.cn).</summary>
public sealed partial record EcrRegistryHost(string Account, string Region)
{
    public static EcrRegistryHost? TryParse(string? registry)
    {
        if (registry is null)
        {
            return null;
        }

        var match = Pattern().Match(registry);
        return match.Success ? new EcrRegistryHost(match.Groups["account"].Value, match.Groups["region"].Value) : null;
    }

    [GeneratedRegex(@"^(?<account>[0-9]{12})\.dkr\.ecr(-fips)?\.(?<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?(:443)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
