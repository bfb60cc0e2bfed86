using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Build.Http;

namespace Build.Registry;

/// <summary>
/// A registry's login on the wire: Basic credentials, or Bearer tokens fetched from the realm the registry's challenge
/// names (with a password or docker's identity token) and cached per scope. The login comes from an
/// <see cref="IRegistryCredentialProvider"/>, asked before each request. Credentials go only over https, or over plain
/// HTTP to the registry's own host when it is loopback or was given as http:// with fixed credentials (never a token
/// from a credential source); a request that leaves the registry's origin carries no Authorization.
/// </summary>
internal sealed class RegistryAuth(RegistryTransport transport, IRegistryCredentialProvider login, bool explicitlyInsecure)
{
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);

    /// <summary>The login the provider gave for the last request (null: anonymous).</summary>
    public RegistryCredentials? Credentials { get; private set; }

    /// <summary>What a user can do when the registry asks for a login or refuses it.</summary>
    public string Advice => login.Advice(transport.Registry);

    /// <summary>
    /// Sends with the cached token or Basic credentials; on a Bearer challenge gets a token and retries once.
    /// Unless <paramref name="authorize"/>: then without any Authorization (a request that leaves the registry's origin).
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        Func<HttpRequestMessage> createRequest, RegistryTarget target, bool push, CancellationToken ct, HttpCompletionOption completion, bool authorize)
    {
        if (!authorize)
        {
            return await SendOnceAsync(createRequest(), scope: null, target, ct, completion).ConfigureAwait(false);
        }

        Credentials = await login.GetAsync(ct).ConfigureAwait(false);
        if (Credentials is not null && !MaySendCredentialsTo(transport.BaseUri))
        {
            throw new RegistryException(
                $"Registry {transport.Registry} is reached over plain HTTP ({transport.BaseUri}) and is not a loopback address: not sending its login " +
                "(a registry token) in clear text. Reach it over https.");
        }

        var scope = target.Scope(push);
        var response = await SendOnceAsync(createRequest(), scope, target, ct, completion).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var challenges = AuthChallenge.From(response);
        if (challenges.FirstOrDefault(c => c.IsBearer) is { } bearer)
        {
            response.Dispose();
            _tokens[scope] = await FetchTokenAsync(bearer, scope, target, ct).ConfigureAwait(false);
            return await SendOnceAsync(createRequest(), scope, target, ct, completion).ConfigureAwait(false);
        }

        if (Credentials is null && challenges.FirstOrDefault(c => c.IsBasic) is { } basic)
        {
            response.Dispose();
            throw new RegistryException(
                $"Registry {transport.Registry} requires a login (Basic realm=\"{basic["realm"]}\") for {target} and no credentials were given: " +
                Advice,
                HttpStatusCode.Unauthorized);
        }

        return response;
    }

    /// <param name="scope">The token scope; null sends no Authorization at all.</param>
    private async Task<HttpResponseMessage> SendOnceAsync(
        HttpRequestMessage request, string? scope, RegistryTarget target, CancellationToken ct, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using (request)
        {
            request.Headers.Authorization = scope is null
                ? null
                : _tokens.TryGetValue(scope, out var token)
                    ? new AuthenticationHeaderValue("Bearer", token)
                    : BasicAuthorization();
            var response = await transport.SendAsync(request, target, ct, completion).ConfigureAwait(false);
            return response;
        }
    }

    private AuthenticationHeaderValue? BasicAuthorization() => Credentials is null
        ? null
        : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Credentials.Username}:{Credentials.Password}")));

    /// <summary>
    /// Whether credentials may go to <paramref name="uri"/>: over https, or over plain HTTP to the registry's own host
    /// when that is loopback or a registry the user gave as http:// (with fixed credentials).
    /// </summary>
    private bool MaySendCredentialsTo(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps
        || (string.Equals(uri.Host, transport.BaseUri.Host, StringComparison.OrdinalIgnoreCase) && (RegistryEndpoint.IsLoopback(uri) || explicitlyInsecure));

    private async Task<string> FetchTokenAsync(AuthChallenge challenge, string scope, RegistryTarget target, CancellationToken ct)
    {
        var realm = challenge["realm"];
        if (string.IsNullOrEmpty(realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri))
        {
            throw new RegistryException($"Registry {transport.Registry} asked for a token for {target} but named no usable realm ({challenge}).");
        }

        if (Credentials is not null && !MaySendCredentialsTo(realmUri))
        {
            throw new RegistryException(
                $"Registry {transport.Registry} asked for a token from the realm {Redaction.Url(realmUri)} for {target}: credentials go only over https, " +
                $"or over plain HTTP to the registry's own host ({transport.BaseUri.Host}) when it is loopback or given as http://, so they were not sent. " +
                "Check the registry's token service configuration (the realm of its WWW-Authenticate challenge).",
                HttpStatusCode.Unauthorized);
        }

        if (Credentials?.IdentityToken is { } refreshToken)
        {
            return await FetchTokenWithIdentityTokenAsync(realmUri, challenge, scope, refreshToken, target, ct).ConfigureAwait(false);
        }

        var query = new List<string>();
        if (challenge["service"] is { } service)
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }

        if ((challenge["scope"] ?? scope) is { Length: > 0 } wanted)
        {
            query.Add("scope=" + Uri.EscapeDataString(wanted));
        }

        var tokenUri = new Uri(realmUri.AbsoluteUri + (realmUri.Query.Length > 0 ? "&" : "?") + string.Join("&", query));
        using var request = new HttpRequestMessage(HttpMethod.Get, tokenUri);
        request.Headers.Authorization = BasicAuthorization();
        using var response = await transport.SendAsync(request, target, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var error = RegistryErrorBody.Parse(body);
            throw new RegistryException(
                $"Token service {realmUri.GetLeftPart(UriPartial.Path)} for registry {transport.Registry} answered HTTP {(int)response.StatusCode} " +
                $"({response.StatusCode}) for {target}: {Redaction.Text(error.Text)}; " +
                Advice,
                response.StatusCode,
                error.Codes);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            foreach (var name in (string[])["token", "access_token"])
            {
                if (document.RootElement.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } token)
                {
                    return token;
                }
            }
        }
        catch (JsonException)
        {
        }

        throw new RegistryException(
            $"Token service {realmUri.GetLeftPart(UriPartial.Path)} for registry {transport.Registry} answered without a token or access_token for {target}.");
    }

    // docker's identitytoken is an OAuth2 refresh token: POSTed to the realm (grant_type=refresh_token), as docker does.
    private async Task<string> FetchTokenWithIdentityTokenAsync(
        Uri realmUri, AuthChallenge challenge, string scope, string refreshToken, RegistryTarget target, CancellationToken ct)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = "python-images-build",
        };
        if (challenge["service"] is { } service)
        {
            form["service"] = service;
        }

        if ((challenge["scope"] ?? scope) is { Length: > 0 } wanted)
        {
            form["scope"] = wanted;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, realmUri) { Content = new FormUrlEncodedContent(form) };
        using var response = await transport.SendAsync(request, target, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.TryGetProperty("access_token", out var value) && value.GetString() is { Length: > 0 } token)
                {
                    return token;
                }
            }
            catch (JsonException)
            {
            }
        }

        throw new RegistryException(
            $"Token service {realmUri.GetLeftPart(UriPartial.Path)} for registry {transport.Registry} answered HTTP {(int)response.StatusCode} " +
            $"without an access_token to the identity token{(Credentials?.Source is { } source ? $" from {source}" : "")} for {target}: " +
            Advice,
            response.StatusCode);
    }
}
