using Build.Registry;

namespace Build.Aws;

/// <summary>A registry login from GetAuthorizationToken. <see cref="ToString"/> never shows the password.</summary>
public sealed record EcrToken(RegistryCredentials Credentials, DateTimeOffset ExpiresAt, string ProxyEndpoint)
{
    public override string ToString() => $"EcrToken {{ {ProxyEndpoint}, user {Credentials.Username}, expires {ExpiresAt:u} }}";
}
