using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Build.Tests.Aws.Emulator;

/// <summary>
/// ECR, ECR Public, KMS and STS on 127.0.0.1 (a random port), in the wire format of botocore's models: JSON 1.1 with
/// X-Amz-Target for ECR (AmazonEC2ContainerRegistry_V20150921.*), ECR Public (SpencerFrontendService.*) and KMS
/// (TrentService.*: Sign and GetPublicKey with ECC_NIST_P256 keys held here), the query protocol with XML answers for STS. Every request's SigV4 signature is checked against the known credentials;
/// a bad one gets InvalidSignatureException. GetAuthorizationToken hands out the login of a real registry
/// (docker-registry with htpasswd, user AWS). Faults can be injected per operation.
/// </summary>
public sealed class AwsEmulator : IAsyncDisposable
{
    private const string EcrPrefix = "AmazonEC2ContainerRegistry_V20150921.";
    private const string EcrPublicPrefix = "SpencerFrontendService.";
    private const string KmsPrefix = "TrentService.";

    private readonly WebApplication _app;
    private readonly Dictionary<string, string> _secrets;

    private AwsEmulator(WebApplication app, Dictionary<string, string> secrets, string account, Uri url)
    {
        _app = app;
        _secrets = secrets;
        Account = account;
        Url = url;
    }

    public Uri Url { get; }

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

    public static async Task<AwsEmulator> StartAsync(string accessKeyId, string secretAccessKey, string account = "123456789012")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal) { [accessKeyId] = secretAccessKey };
        AwsEmulator? emulator = null;
        app.MapPost("/", (Delegate)((HttpContext http) => emulator!.HandleAsync(http)));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator = new AwsEmulator(app, secrets, account, new Uri(address.TrimEnd('/') + "/"));
        return emulator;
    }

    public void Throttle(string operation, int times) => Faults[operation] = new Fault(times, HttpStatusCode.BadRequest, "ThrottlingException", "Rate exceeded");

    public void Deny(string operation) => Faults[operation] = new Fault(int.MaxValue, HttpStatusCode.BadRequest, "AccessDeniedException",
        $"User: arn:aws:iam::{Account}:user/builder is not authorized to perform: ecr:{operation} because no identity-based policy allows the ecr:{operation} action");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> HandleAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value.ToArray()), StringComparer.Ordinal);
        var target = headers.GetValueOrDefault("x-amz-target");
        var (service, operation) = target switch
        {
            not null when target.StartsWith(EcrPrefix, StringComparison.Ordinal) => ("ecr", target[EcrPrefix.Length..]),
            not null when target.StartsWith(EcrPublicPrefix, StringComparison.Ordinal) => ("ecr-public", target[EcrPublicPrefix.Length..]),
            not null when target.StartsWith(KmsPrefix, StringComparison.Ordinal) => ("kms", target[KmsPrefix.Length..]),
            not null => ("unknown", target),
            null => ("sts", System.Web.HttpUtility.ParseQueryString(Encoding.UTF8.GetString(body))["Action"] ?? ""),
        };

        var problem = SigV4Verifier.Verify(http.Request.Method, http.Request.Path.Value ?? "/", http.Request.QueryString.Value ?? "", headers, body, _secrets, service);
        Requests.Enqueue(new RecordedRequest(service, operation, http.Request.Method, http.Request.Path.Value ?? "/", headers, body, problem is null));
        if (problem is not null)
        {
            return Error(service, HttpStatusCode.Forbidden, service == "sts" ? "SignatureDoesNotMatch" : "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided: " + problem);
        }

        if (Faults.TryGetValue(operation, out var fault) && fault.Take())
        {
            return Error(service, fault.Status, fault.Name, fault.Message);
        }

        var request = service == "sts" ? new JsonObject() : (JsonNode.Parse(body.Length == 0 ? "{}"u8 : body) ?? new JsonObject()).AsObject();
        return (service, operation) switch
        {
            ("sts", "GetCallerIdentity") => Results.Text(
                $"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::{Account}:user/builder</Arn><UserId>AIDAEXAMPLE</UserId><Account>{Account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>""",
                "text/xml"),
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

    /// <summary>A new ECC_NIST_P256 signing key, reachable by its id, its ARN, alias/<paramref name="alias"/> and the alias ARN.</summary>
    public KmsKey AddKmsKey(string alias)
    {
        var id = Guid.NewGuid().ToString();
        var key = new KmsKey(id, $"arn:aws:kms:us-east-1:{Account}:key/{id}", alias, ECDsa.Create(ECCurve.NamedCurves.nistP256));
        foreach (var name in new[] { id, key.Arn, "alias/" + alias, $"arn:aws:kms:us-east-1:{Account}:alias/{alias}" })
        {
            KmsKeys[name] = key;
        }

        return key;
    }

    /// <summary>Keys by every name KMS accepts for them.</summary>
    public ConcurrentDictionary<string, KmsKey> KmsKeys { get; } = new(StringComparer.Ordinal);

    private IResult KmsSign(JsonObject request)
    {
        if (FindKey(request) is not { } key)
        {
            return KmsNotFound(request);
        }

        if (request["SigningAlgorithm"]?.GetValue<string>() != "ECDSA_SHA_256")
        {
            return Error("kms", HttpStatusCode.BadRequest, "InvalidKeyUsageException", $"Signing algorithm {request["SigningAlgorithm"]} is not valid for key {key.Arn}");
        }

        var message = Convert.FromBase64String(request["Message"]?.GetValue<string>() ?? "");
        var type = request["MessageType"]?.GetValue<string>() ?? "RAW";
        if (type == "DIGEST" && message.Length != 32)
        {
            return Error("kms", HttpStatusCode.BadRequest, "ValidationException", "Digest is invalid length for algorithm ECDSA_SHA_256.");
        }

        var digest = type == "DIGEST" ? message : SHA256.HashData(message);
        return Json(new JsonObject
        {
            ["KeyId"] = key.Arn,
            ["Signature"] = Convert.ToBase64String(key.Key.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence)),
            ["SigningAlgorithm"] = "ECDSA_SHA_256",
        });
    }

    private IResult KmsGetPublicKey(JsonObject request) => FindKey(request) is { } key
        ? Json(new JsonObject
        {
            ["KeyId"] = key.Arn,
            ["PublicKey"] = Convert.ToBase64String(key.Key.ExportSubjectPublicKeyInfo()),
            ["CustomerMasterKeySpec"] = "ECC_NIST_P256",
            ["KeySpec"] = "ECC_NIST_P256",
            ["KeyUsage"] = "SIGN_VERIFY",
            ["SigningAlgorithms"] = new JsonArray("ECDSA_SHA_256"),
        })
        : KmsNotFound(request);

    private KmsKey? FindKey(JsonObject request) => request["KeyId"]?.GetValue<string>() is { } id ? KmsKeys.GetValueOrDefault(id) : null;

    private IResult KmsNotFound(JsonObject request) =>
        Error("kms", HttpStatusCode.BadRequest, "NotFoundException", $"Key '{request["KeyId"]}' does not exist");

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

/// <summary>A KMS key the emulator signs with; <see cref="PublicKeyPem"/> is what a verifier outside the product reads.</summary>
public sealed record KmsKey(string Id, string Arn, string Alias, ECDsa Key)
{
    public string PublicKeyPem => Key.ExportSubjectPublicKeyInfoPem();
}

public sealed record RecordedRequest(
    string Service, string Operation, string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, bool SignatureValid);

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
