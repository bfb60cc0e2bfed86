using Build.Registry;

namespace Build.Aws;

/// <summary>
/// One registry token for the run: fetched on first use, then served from memory, and fetched again when less than
/// <see cref="RenewBefore"/> is left before its expiresAt (ECR tokens last 12 hours; a long run outlives one).
/// </summary>
public sealed class EcrTokenCache(Func<CancellationToken, Task<EcrToken>> fetch, TimeProvider? clock = null)
{
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(15);

    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private EcrToken? _token;

    /// <summary>How many tokens were fetched so far.</summary>
    public int Fetches { get; private set; }

    public async Task<EcrToken> GetAsync(CancellationToken ct = default)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_token is null || _clock.GetUtcNow() >= _token.ExpiresAt - RenewBefore)
            {
                _token = await fetch(ct).ConfigureAwait(false);
                Fetches++;
            }

            return _token;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<RegistryCredentials> GetCredentialsAsync(CancellationToken ct = default) => (await GetAsync(ct).ConfigureAwait(false)).Credentials;
}
