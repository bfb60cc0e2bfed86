using System.Net;
using System.Text;

namespace Build.Tests.Registry;

/// <summary>Answers requests in-process and records what was sent: no network.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
{
    public List<(HttpMethod Method, Uri Uri, string? Authorization, string Accept)> Requests { get; } = [];

    public static HttpResponseMessage Json(HttpStatusCode status, string json, string contentType = "application/json")
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8) };
        response.Content.Headers.ContentType = new(contentType);
        return response;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add((request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), request.Headers.Accept.ToString()));
        var response = respond(request);
        response.RequestMessage = request;
        return Task.FromResult(response);
    }
}
