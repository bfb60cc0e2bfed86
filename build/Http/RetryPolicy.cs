using System.Net;

namespace Build.Http;

/// <summary>
/// Bounded exponential backoff with jitter for transient HTTP failures (429, 5xx, dropped connections), the one policy
/// of the registry client, docker push and the AWS clients: attempt n waits a random time in [½, 1] (or, with
/// <see cref="FullJitter"/>, [0, 1]) × <see cref="BaseDelay"/> × 2^(n-1), capped at <see cref="MaxDelay"/>;
/// a Retry-After the server sends is honoured up to <see cref="MaxRetryAfter"/>. <see cref="MaxAttempts"/> counts the first try.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan MaxRetryAfter)
{
    /// <summary>Registries: 5 attempts, 1 s, 2 s, 4 s, 8 s apart (before jitter); a Retry-After up to 60 s.</summary>
    public static readonly RetryPolicy Default = new(5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(16), TimeSpan.FromSeconds(60));

    /// <summary>AWS APIs (ECR, ECR Public, STS, CodeBuild): 5 attempts from 200 ms, full jitter, as AWS SDKs do.</summary>
    public static readonly RetryPolicy Aws = new(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20)) { FullJitter = true };

    /// <summary>Wait a random time in [0, ceiling] instead of [½, 1] × ceiling: spreads many clients furthest apart.</summary>
    public bool FullJitter { get; init; }

    /// <summary>
    /// How a user allows more attempts (e.g. "raise --retries"), said when they run out. Set by whoever builds the
    /// policy from the user's options, so that the clients and tools below need not know the option's name.
    /// </summary>
    public string? MoreAttempts { get; init; }

    /// <summary>What to do once the attempts ran out: "retry later.", and how to allow more when <see cref="MoreAttempts"/> says.</summary>
    public string GiveUpAdvice => MoreAttempts is { } more ? $"retry later, or {more}." : "retry later.";

    /// <summary>One attempt, no retry.</summary>
    public static readonly RetryPolicy None = new(1, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    public RetryPolicy WithMaxAttempts(int attempts) => attempts < 1
        ? throw new ArgumentOutOfRangeException(nameof(attempts), attempts, "At least one attempt.")
        : this with { MaxAttempts = attempts };

    /// <summary>How long to wait after failed attempt <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan Delay(int attempt, TimeSpan? retryAfter, Random random)
    {
        if (retryAfter is { } asked && asked > TimeSpan.Zero)
        {
            return asked < MaxRetryAfter ? asked : MaxRetryAfter;
        }

        var exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (FullJitter ? random.NextDouble() : 0.5 + (random.NextDouble() * 0.5)));
    }

    /// <summary>
    /// The one retry loop: runs <paramref name="attempt"/> (given its 1-based number) until it returns, throws a failure
    /// that <paramref name="classify"/> does not call transient, or fails transiently <see cref="MaxAttempts"/> times;
    /// then throws what <paramref name="giveUp"/> makes of the last failure and the number of attempts. Between attempts
    /// it waits <see cref="Delay"/> (a failure's Retry-After honoured), after telling <paramref name="onRetry"/>.
    /// </summary>
    /// <param name="classify">Which failures are worth another attempt; by default only a <see cref="TransientFailure"/>.</param>
    public async Task<T> ExecuteAsync<T>(
        Func<int, CancellationToken, Task<T>> attempt,
        Func<TransientFailure, int, Exception> giveUp,
        Action<int, TransientFailure, TimeSpan>? onRetry = null,
        Func<Exception, TransientFailure?>? classify = null,
        Func<TimeSpan, CancellationToken, Task>? sleep = null,
        Random? random = null,
        CancellationToken ct = default)
    {
        for (var number = 1; ; number++)
        {
            TransientFailure failure;
            try
            {
                return await attempt(number, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && (classify ?? (x => x as TransientFailure))(e) is { } transient)
            {
                failure = transient;
            }

            if (number >= MaxAttempts)
            {
                throw giveUp(failure, number);
            }

            var delay = Delay(number, failure.RetryAfter, random ?? Random.Shared);
            onRetry?.Invoke(number, failure, delay);
            await (sleep ?? Task.Delay)(delay, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The wait an answer's Retry-After asks for (a delay, or a date from now), or null when it asks none.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>Statuses worth another attempt: the registry is busy or failed, not the request.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>Network failures worth another attempt: refused, reset, ended mid-answer.</summary>
    public static bool IsTransient(HttpRequestException e) => e.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError
            or HttpRequestError.UserAuthenticationError or HttpRequestError.ConfigurationLimitExceeded => false,
        HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse => true,
        _ => e.InnerException is IOException or System.Net.Sockets.SocketException,
    };
}
