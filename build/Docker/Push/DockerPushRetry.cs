using Build.Http;
using Build.Registry;
using Cake.Core;

namespace Build.Docker.Push;

/// <summary>
/// Reruns a failed <c>docker push</c> when docker's error says the registry or the network failed (429, 5xx, reset,
/// refused, EOF, timeout), under the same bounded backoff as registry calls. A push of layers the registry already
/// holds moves only what is missing, so a rerun is cheap. Other failures (denied, no such image) fail at once.
/// </summary>
public static class DockerPushRetry
{
    private static readonly string[] TransientSigns =
    [
        "429 Too Many Requests", "toomanyrequests", "500 Internal Server Error", "502 Bad Gateway", "503 Service Unavailable",
        "504 Gateway Timeout", "connection reset", "connection refused", "broken pipe", "unexpected EOF", ": EOF",
        "i/o timeout", "TLS handshake timeout", "server closed idle connection", "net/http: request canceled",
        "use of closed network connection",
    ];

    /// <summary>Which transient sign docker's message shows, or null when retrying would not help.</summary>
    public static string? TransientReason(string message) =>
        TransientSigns.FirstOrDefault(sign => message.Contains(sign, StringComparison.OrdinalIgnoreCase));

    public static void Run(string reference, Action push, RetryPolicy policy, Action<string> onRetry, Action<TimeSpan>? sleep = null) =>
        // Synchronous throughout (push and sleep): the task completes before GetResult returns.
        policy.ExecuteAsync<bool>(
            (_, _) =>
            {
                try
                {
                    push();
                    return Task.FromResult(true);
                }
                catch (CakeException e) when (TransientReason(e.Message) is { } reason)
                {
                    throw new TransientFailure(reason, e);
                }
            },
            giveUp: (failure, attempts) => attempts == 1
                ? failure.Error!
                : new CakeException(
                    $"Gave up pushing {reference} after {attempts} attempts ({failure.Reason}): {failure.Error!.Message} " +
                    $"The registry kept failing; {policy.GiveUpAdvice}"),
            onRetry: (attempt, failure, delay) =>
                onRetry($"docker push {reference}: attempt {attempt} of {policy.MaxAttempts} failed ({failure.Reason}); retrying in {delay.TotalSeconds:0.0}s."),
            sleep: (delay, _) =>
            {
                (sleep ?? Thread.Sleep)(delay);
                return Task.CompletedTask;
            }).GetAwaiter().GetResult();
}
