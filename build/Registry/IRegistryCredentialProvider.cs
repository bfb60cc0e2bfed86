namespace Build.Registry;

/// <summary>Where a <see cref="RegistryClient"/>'s login comes from; asked before each request (a provider may cache).</summary>
public interface IRegistryCredentialProvider
{
    /// <summary>The login for the client's registry, or null to go anonymous.</summary>
    Task<RegistryCredentials?> GetAsync(CancellationToken ct);

    /// <summary>What a user can do when <paramref name="registry"/> asks for a login or refuses the one given: where it was looked for.</summary>
    string Advice(string registry);

    /// <summary>
    /// Whether its logins are tokens the product fetched (ECR's), which never go over plain HTTP off loopback even to a
    /// registry given as http:// (the user chose plain HTTP for their own login, not for an AWS token).
    /// </summary>
    bool IssuesTokens => false;
}

/// <summary>The providers behind the client's plain constructors: a fixed login (or none), or a function (an ECR token cache).</summary>
public static class RegistryCredentialProviders
{
    public static IRegistryCredentialProvider Fixed(RegistryCredentials? credentials) => new FixedProvider(credentials);

    public static IRegistryCredentialProvider From(Func<CancellationToken, Task<RegistryCredentials>> source) => new FunctionProvider(source);

    private static string DefaultAdvice(string registry) => $"check credentials / docker login {registry}.";

    private sealed class FixedProvider(RegistryCredentials? credentials) : IRegistryCredentialProvider
    {
        public Task<RegistryCredentials?> GetAsync(CancellationToken ct) => Task.FromResult(credentials);

        public string Advice(string registry) => DefaultAdvice(registry);
    }

    private sealed class FunctionProvider(Func<CancellationToken, Task<RegistryCredentials>> source) : IRegistryCredentialProvider
    {
        public async Task<RegistryCredentials?> GetAsync(CancellationToken ct) => await source(ct).ConfigureAwait(false);

        public string Advice(string registry) => DefaultAdvice(registry);

        public bool IssuesTokens => true;
    }
}
