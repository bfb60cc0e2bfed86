namespace Build.Aws;

/// <summary>
/// Bounded retries for transient AWS answers (throttling names, 429, 5xx, connection resets): exponential backoff
/// with full jitter, as AWS SDKs do. <see cref="MaxAttempts"/> counts the first try.
/// </summary>
public sealed record AwsRetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    public static readonly AwsRetryPolicy Default = new(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(20));

    /// <summary>The wait before attempt <paramref name="attempt"/>+1: uniform in [0, min(MaxDelay, BaseDelay·2^(attempt-1))].</summary>
    public TimeSpan Delay(int attempt, Random random)
    {
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
    }
}
