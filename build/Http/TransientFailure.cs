namespace Build.Http;

/// <summary>
/// A failed attempt worth another one (the service was busy or failed, or the connection dropped), as
/// <see cref="RetryPolicy.ExecuteAsync{T}"/> reads it: why it failed (for the retry's log line and the final message),
/// the failure itself when there was one, and the wait the service asked for.
/// </summary>
public sealed class TransientFailure(string reason, Exception? error = null, TimeSpan? retryAfter = null) : Exception(reason, error)
{
    public string Reason { get; } = reason;

    public Exception? Error { get; } = error;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
