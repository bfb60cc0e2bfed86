namespace Build.Registry;

/// <summary>A registry login. <see cref="ToString"/> never shows the password or the identity token.</summary>
public sealed record RegistryCredentials(string Username, string Password)
{
    /// <summary>docker's <c>identitytoken</c> (an OAuth2 refresh token): exchanged at the token service instead of the password.</summary>
    public string? IdentityToken { get; init; }

    /// <summary>Where the login came from, for messages, e.g. "REGISTRY_USERNAME/REGISTRY_PASSWORD".</summary>
    public string? Source { get; init; }

    public override string ToString() => $"RegistryCredentials {{ Username = {Username}, Password = ***{(Source is null ? "" : ", Source = " + Source)} }}";
}
