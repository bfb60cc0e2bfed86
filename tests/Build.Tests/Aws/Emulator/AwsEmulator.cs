using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Build.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Build.Tests.Aws.Emulator;

/// <summary>
/// ECR, ECR Public, KMS and STS on 127.0.0.1 (a random port), in the wire format of botocore's models: JSON 1.1 with
/// X-Amz-Target for ECR (AmazonEC2ContainerRegistry_V20150921.*), ECR Public (SpencerFrontendService.*) and KMS
/// (TrentService.*: Sign and GetPublicKey with ECC_NIST_P256 keys held here), the query protocol with XML answers for
/// STS. Every request's SigV4 signature is checked against the known credentials, and a temporary key's
/// X-Amz-Security-Token against its session token; a bad one gets InvalidSignatureException.
/// STS AssumeRole (signed) and AssumeRoleWithWebIdentity (unsigned, with a token of <see cref="WebIdentityTokens"/>)
/// hand out new temporary credentials, which later requests may then be signed with.
/// GetAuthorizationToken hands out the login of a real registry (docker-registry with htpasswd, user AWS).
/// Faults can be injected per operation. More JSON 1.1 services (CodeBuild's emulator) join the same host and
/// signature check through <see cref="AddJsonService"/>.
/// </summary>
public sealed partial class AwsEmulator : IAsyncDisposable
{
    private const string EcrPrefix = "AmazonEC2ContainerRegistry_V20150921.";
    private const string EcrPublicPrefix = "SpencerFrontendService.";
    private const string KmsPrefix = "TrentService.";

    private readonly ConcurrentDictionary<string, string> _secrets;
    private readonly ConcurrentDictionary<string, JsonService> _services = new(StringComparer.Ordinal);
    private TestWebHost _host = null!;
    private readonly ConcurrentDictionary<string, string> _sessionTokens = new(StringComparer.Ordinal);

    private AwsEmulator(ConcurrentDictionary<string, string> secrets, string account)
    {
        _secrets = secrets;
        Account = account;
    }

    public Uri Url => _host.Url;

    public string Account { get; }

    /// <summary>Where GetAuthorizationToken's proxyEndpoint points (http://127.0.0.1:PORT) and its password (user AWS).</summary>
    public string ProxyEndpoint { get; set; } = "http://127.0.0.1:1";

    public string RegistryPassword { get; set; } = "unset";

    public string PublicRegistryPassword { get; set; } = "unset";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Every request, in order, with its operation and whether its signature verified.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public ConcurrentDictionary<string, JsonObject> Repositories { get; } = new(StringComparer.Ordinal);

    /// <summary>Faults by operation name (e.g. "CreateRepository"): answered instead of the real answer while Remaining &gt; 0.</summary>
    public ConcurrentDictionary<string, Fault> Faults { get; } = new(StringComparer.Ordinal);

    public IEnumerable<string> Operations => Requests.Select(r => r.Operation);

    /// <summary>The web identity tokens (e.g. an OIDC JWT) AssumeRoleWithWebIdentity accepts.</summary>
    public ConcurrentBag<string> WebIdentityTokens { get; } = [];

    /// <summary>Every role STS handed credentials for, in order.</summary>
    public ConcurrentQueue<AssumedRole> AssumedRoles { get; } = new();

    /// <summary>SSO access tokens (what `aws sso login` caches) that GetRoleCredentials accepts.</summary>
    public ConcurrentBag<string> SsoAccessTokens { get; } = [];

    /// <summary>Lets requests be signed with these credentials too (e.g. what a credential_process prints).</summary>
    public void AddCredentials(string accessKeyId, string secretAccessKey, string? sessionToken = null)
    {
        _secrets[accessKeyId] = secretAccessKey;
        if (sessionToken is not null)
        {
            _sessionTokens[accessKeyId] = sessionToken;
        }
    }

    public static async Task<AwsEmulator> StartAsync(string accessKeyId, string secretAccessKey, string account = "123456789012")
    {
        var secrets = new ConcurrentDictionary<string, string>(StringComparer.Ordinal) { [accessKeyId] = secretAccessKey };
        var emulator = new AwsEmulator(secrets, account);
        emulator._host = await TestWebHost.StartAsync(app =>
        {
            app.MapPost("/", (Delegate)((HttpContext http) => emulator.HandleAsync(http)));
            app.MapGet("/federation/credentials", (Delegate)((HttpContext http) => emulator.GetRoleCredentials(http)));
        });
        return emulator;
    }

    public void Throttle(string operation, int times) => Faults[operation] = new Fault(times, HttpStatusCode.BadRequest, "ThrottlingException", "Rate exceeded");

    public void Deny(string operation) => Faults[operation] = new Fault(int.MaxValue, HttpStatusCode.BadRequest, "AccessDeniedException",
        $"User: arn:aws:iam::{Account}:user/builder is not authorized to perform: ecr:{operation} because no identity-based policy allows the ecr:{operation} action");

    /// <summary>
    /// Serves another JSON 1.1 service here: requests whose X-Amz-Target starts with <paramref name="targetPrefix"/> are
    /// checked as signed for <paramref name="signingName"/> (and against faults), then answered by <paramref name="handle"/>
    /// with the operation and the body.
    /// </summary>
    public void AddJsonService(string signingName, string targetPrefix, Func<HttpContext, string, byte[], Task> handle) =>
        _services[targetPrefix] = new JsonService(signingName, handle);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task<IResult> HandleAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value.ToArray()), StringComparer.Ordinal);
        var target = headers.GetValueOrDefault("x-amz-target");
        var prefix = target is null ? null : _services.Keys.FirstOrDefault(k => target.StartsWith(k, StringComparison.Ordinal));
        var added = prefix is null ? null : _services[prefix];
        var (service, operation) = target switch
        {
            not null when added is not null => (added.SigningName, target[prefix!.Length..]),
            not null when target.StartsWith(EcrPrefix, StringComparison.Ordinal) => ("ecr", target[EcrPrefix.Length..]),
            not null when target.StartsWith(EcrPublicPrefix, StringComparison.Ordinal) => ("ecr-public", target[EcrPublicPrefix.Length..]),
            not null when target.StartsWith(KmsPrefix, StringComparison.Ordinal) => ("kms", target[KmsPrefix.Length..]),
            not null => ("unknown", target),
            null => ("sts", System.Web.HttpUtility.ParseQueryString(Encoding.UTF8.GetString(body))["Action"] ?? ""),
        };

        // AWS takes AssumeRoleWithWebIdentity unsigned: the web identity token is the proof.
        var unsigned = service == "sts" && operation == "AssumeRoleWithWebIdentity" && !headers.ContainsKey("authorization");
        var problem = unsigned ? null : SigV4Verifier.Verify(http.Request.Method, http.Request.Path.Value ?? "/", http.Request.QueryString.Value ?? "", headers, body, _secrets, service);
        var accessKey = SigV4Verifier.AccessKeyOf(headers);
        if (problem is null && accessKey is not null && _sessionTokens.TryGetValue(accessKey, out var token) && headers.GetValueOrDefault("x-amz-security-token") != token)
        {
            problem = $"the temporary key {accessKey} came without its session token (X-Amz-Security-Token)";
        }

        Requests.Enqueue(new RecordedRequest(service, operation, http.Request.Method, http.Request.Path.Value ?? "/", headers, body, problem is null)
        {
            AccessKeyId = unsigned ? null : accessKey,
        });
        if (problem is not null)
        {
            return Error(service, HttpStatusCode.Forbidden, service == "sts" ? "SignatureDoesNotMatch" : "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided: " + problem);
        }

        if (Faults.TryGetValue(operation, out var fault) && fault.Take())
        {
            return Error(service, fault.Status, fault.Name, fault.Message);
        }

        if (added is not null)
        {
            return new Written(context => added.Handle(context, operation, body));
        }

        var request = service == "sts" ? new JsonObject() : (JsonNode.Parse(body.Length == 0 ? "{}"u8 : body) ?? new JsonObject()).AsObject();
        var form = service == "sts" ? System.Web.HttpUtility.ParseQueryString(Encoding.UTF8.GetString(body)) : null;
        return (service, operation) switch
        {
            ("sts", "GetCallerIdentity") => Results.Text(
                $"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>{CallerArn(accessKey)}</Arn><UserId>AIDAEXAMPLE</UserId><Account>{Account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>""",
                "text/xml"),
            ("sts", "AssumeRole") => AssumeRole(operation, form!, accessKey),
            ("sts", "AssumeRoleWithWebIdentity") when !WebIdentityTokens.Contains(form!["WebIdentityToken"] ?? "") => Error(
                service, HttpStatusCode.BadRequest, "InvalidIdentityToken", "The web identity token that was passed could not be validated by AWS."),
            ("sts", "AssumeRoleWithWebIdentity") => AssumeRole(operation, form!, accessKey),
            ("ecr", "GetAuthorizationToken") => Json(new JsonObject
            {
                ["authorizationData"] = new JsonArray(new JsonObject
                {
                    ["authorizationToken"] = Token(RegistryPassword),
                    ["expiresAt"] = DateTimeOffset.UtcNow.Add(TokenLifetime).ToUnixTimeMilliseconds() / 1000.0,
                    ["proxyEndpoint"] = ProxyEndpoint,
                }),
            }),
            ("ecr-public", "GetAuthorizationToken") => Json(new JsonObject
            {
                ["authorizationData"] = new JsonObject
                {
                    ["authorizationToken"] = Token(PublicRegistryPassword),
                    ["expiresAt"] = DateTimeOffset.UtcNow.Add(TokenLifetime).ToUnixTimeMilliseconds() / 1000.0,
                },
            }),
            ("ecr", "DescribeRepositories") => DescribeRepositories(request),
            ("ecr", "CreateRepository") => CreateRepository(request),
            ("kms", "Sign") => KmsSign(request),
            ("kms", "GetPublicKey") => KmsGetPublicKey(request),
            _ => Error(service, HttpStatusCode.BadRequest, "UnknownOperationException", $"The emulator does not implement {service} {operation}."),
        };
    }

    private IResult DescribeRepositories(JsonObject request)
    {
        var names = request["repositoryNames"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [.. Repositories.Keys];
        var missing = names.FirstOrDefault(n => !Repositories.ContainsKey(n));
        if (missing is not null)
        {
            return Error("ecr", HttpStatusCode.BadRequest, "RepositoryNotFoundException",
                $"The repository with name '{missing}' does not exist in the registry with id '{Account}'");
        }

        return Json(new JsonObject { ["repositories"] = new JsonArray([.. names.Select(n => Repositories[n].DeepClone())]) });
    }

    private IResult CreateRepository(JsonObject request)
    {
        var name = request["repositoryName"]!.GetValue<string>();
        var registryId = request["registryId"]?.GetValue<string>() ?? Account;
        var repository = new JsonObject
        {
            ["repositoryArn"] = $"arn:aws:ecr:us-east-1:{registryId}:repository/{name}",
            ["registryId"] = registryId,
            ["repositoryName"] = name,
            ["repositoryUri"] = $"{registryId}.dkr.ecr.us-east-1.amazonaws.com/{name}",
            ["createdAt"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["imageTagMutability"] = request["imageTagMutability"]?.GetValue<string>() ?? "MUTABLE",
            ["imageScanningConfiguration"] = request["imageScanningConfiguration"]?.DeepClone() ?? new JsonObject { ["scanOnPush"] = false },
            ["encryptionConfiguration"] = request["encryptionConfiguration"]?.DeepClone() ?? new JsonObject { ["encryptionType"] = "AES256" },
        };
        if (!Repositories.TryAdd(name, repository))
        {
            return Error("ecr", HttpStatusCode.BadRequest, "RepositoryAlreadyExistsException", $"The repository with name '{name}' already exists");
        }

        return Json(new JsonObject { ["repository"] = repository.DeepClone() });
    }

    private static string Token(string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + password));

    private static IResult Json(JsonObject body) => Results.Text(body.ToJsonString(), "application/x-amz-json-1.1", Encoding.UTF8, 200);

    private static IResult Error(string service, HttpStatusCode status, string name, string message)
    {
        if (service == "sts")
        {
            return Results.Text(
                $"<ErrorResponse><Error><Type>Sender</Type><Code>{name}</Code><Message>{WebUtility.HtmlEncode(message)}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>",
                "text/xml", Encoding.UTF8, (int)status);
        }

        var error = new JsonObject { ["__type"] = "com.amazonaws.ecr#" + name, ["message"] = message };
        return Results.Text(error.ToJsonString(), "application/x-amz-json-1.1", Encoding.UTF8, (int)status);
    }
}

/// <summary>A service added with <see cref="AwsEmulator.AddJsonService"/>.</summary>
internal sealed record JsonService(string SigningName, Func<HttpContext, string, byte[], Task> Handle);

/// <summary>An answer its service writes itself.</summary>
internal sealed class Written(Func<HttpContext, Task> write) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext) => write(httpContext);
}

public sealed record RecordedRequest(
    string Service, string Operation, string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, bool SignatureValid)
{
    /// <summary>The access key the request was signed with (null when unsigned).</summary>
    public string? AccessKeyId { get; init; }
}

/// <summary>A role STS handed out credentials for: by which operation, to which caller key (null: unsigned), as which key.</summary>
public sealed record AssumedRole(string Operation, string RoleArn, string SessionName, string? CallerAccessKeyId, string AccessKeyId, string? WebIdentityToken);

/// <summary>An error answer given instead of the real one, <see cref="Remaining"/> more times.</summary>
public sealed class Fault(int times, HttpStatusCode status, string name, string message)
{
    private int _remaining = times;

    public HttpStatusCode Status { get; } = status;

    public string Name { get; } = name;

    public string Message { get; } = message;

    public int Remaining => _remaining;

    public bool Take() => Interlocked.Decrement(ref _remaining) >= 0;
}
