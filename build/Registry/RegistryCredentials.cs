namespace Build.Registry;

/// <summary>A registry login. <see cref="ToString"/> never shows the password.</summary>
public sealed record RegistryCredentials(string Username, string Password)
{
    public override string ToString() => $"RegistryCredentials {{ Username = {Username}, Password = *** }}";
}
