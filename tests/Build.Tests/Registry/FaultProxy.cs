using System.Net;
using Build.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Build.Tests.Registry;

/// <summary>
/// A reverse proxy on 127.0.0.1 in front of a <see cref="LocalRegistry"/> that injects faults: an error status
/// (with Retry-After) for the first N matching requests, or a connection dropped mid-upload. Everything else is
/// forwarded as is, with the proxy's Host so that the registry's upload Locations point back at the proxy.
/// Records every request, so tests can count what moved.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private TestWebHost _host = null!;
    private readonly Uri _upstream;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
    private readonly List<Fault> _faults = [];
    private readonly List<string> _log = [];
    private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FaultProxy(Uri upstream)
    {
        _upstream = upstream;
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    /// <summary>host:port of the proxy, as --registry takes it.</summary>
    public string Address { get; private set; } = "";

    /// <summary>Every request seen, as "METHOD /path → status" (status "dropped" or the injected one for faults).</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_log)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>Blob uploads started (POST …/blobs/uploads/) that the registry accepted.</summary>
    public int BlobUploads => Requests.Count(r => r.StartsWith("POST ", StringComparison.Ordinal) && r.Contains("/blobs/uploads/", StringComparison.Ordinal) && r.EndsWith("→ 202", StringComparison.Ordinal));

    public static async Task<FaultProxy> StartAsync(LocalRegistry registry)
    {
        var proxy = new FaultProxy(registry.Url);
        proxy._host = await TestWebHost.StartAsync(app => app.Run(proxy.HandleAsync));
        proxy.Address = proxy._host.Url.Authority;
        return proxy;
    }

    /// <summary>Answers <paramref name="status"/> to the first <paramref name="count"/> requests that match <paramref name="when"/> (all, by default).</summary>
    public void FailWith(HttpStatusCode status, int count, TimeSpan? retryAfter = null, Func<HttpRequest, bool>? when = null)
    {
        lock (_faults)
        {
            _faults.Add(new Fault(count, when ?? (_ => true), status, retryAfter));
        }
    }

    /// <summary>Drops the connection of the first <paramref name="count"/> blob uploads to <paramref name="repository"/> that send a body, after reading part of it.</summary>
    public void DropMidUpload(string repository, int count)
    {
        lock (_faults)
        {
            _faults.Add(new Fault(
                count,
                request => request.Method is "PATCH" or "PUT"
                    && request.Path.Value!.StartsWith($"/v2/{repository}/blobs/uploads/", StringComparison.Ordinal)
                    && request.ContentLength is null or > 0,
                Status: null,
                RetryAfter: null));
        }
    }

    /// <summary>
    /// Holds the first blob upload to <paramref name="repository"/> that sends a body until <see cref="ReleaseStalled"/>:
    /// a push caught in the middle. <see cref="Stalled"/> completes when it is held.
    /// </summary>
    public void StallUpload(string repository)
    {
        lock (_faults)
        {
            _faults.Add(new Fault(
                1,
                request => request.Method is "PATCH" or "PUT"
                    && request.Path.Value!.StartsWith($"/v2/{repository}/blobs/uploads/", StringComparison.Ordinal)
                    && request.ContentLength is null or > 0,
                Status: null,
                RetryAfter: null) { Stall = true });
        }
    }

    public Task Stalled => _stalled.Task;

    /// <summary>Drops the held upload's connection.</summary>
    public void ReleaseStalled() => _release.TrySetResult();

    /// <summary>How many faults were injected so far.</summary>
    public int Injected => Requests.Count(r => r.EndsWith("(injected)", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        ReleaseStalled();
        await _host.DisposeAsync();
        _http.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var line = $"{request.Method} {request.Path}{request.QueryString}";
        var fault = Take(request);
        if (fault is { Status: { } status })
        {
            Record($"{line} → {(int)status} (injected)");
            context.Response.StatusCode = (int)status;
            if (fault.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return;
        }

        if (fault is { Stall: true })
        {
            Record($"{line} → stalled (injected)");
            _stalled.TrySetResult();
            await Task.WhenAny(_release.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
            context.Abort();
            return;
        }

        if (fault is not null)
        {
            // Read a little of the upload, then cut the connection: what a reset mid-upload looks like to the client.
            var buffer = new byte[16 * 1024];
            _ = await request.Body.ReadAsync(buffer, context.RequestAborted);
            Record($"{line} → dropped (injected)");
            context.Abort();
            return;
        }

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_upstream, request.Path.Value + request.QueryString.Value));
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            forward.Content = new StreamContent(request.Body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        forward.Headers.Host = request.Host.Value;
        using var response = await _http.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        Record($"{line} → {(int)response.StatusCode}");
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        if (!HttpMethods.IsHead(request.Method))
        {
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }

    private Fault? Take(HttpRequest request)
    {
        lock (_faults)
        {
            var fault = _faults.FirstOrDefault(f => f.Remaining > 0 && f.When(request));
            if (fault is not null)
            {
                fault.Remaining--;
            }

            return fault;
        }
    }

    private void Record(string line)
    {
        lock (_log)
        {
            _log.Add(line);
        }
    }

    private sealed record Fault(int Count, Func<HttpRequest, bool> When, HttpStatusCode? Status, TimeSpan? RetryAfter)
    {
        public int Remaining { get; set; } = Count;

        public bool Stall { get; init; }
    }
}
