using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Build.Registry;
using Cake.Core;

namespace Build.Aws;

/// <summary>The few ECR and ECR Public calls the build needs, over <see cref="AwsClient"/> (JSON 1.1).</summary>
public sealed class EcrClient(AwsClient client)
{
    private string Region => client.Settings.RegionName;

    /// <summary>ECR GetAuthorizationToken: the registry login (user AWS) and where the registry is.</summary>
    public async Task<EcrToken> GetAuthorizationTokenAsync(CancellationToken ct = default)
    {
        const string operation = "GetAuthorizationToken";
        var answer = await client.CallJsonAsync(AwsService.Ecr, operation, "{}", ct).ConfigureAwait(false);
        ThrowIfFailed(AwsService.Ecr, operation, "*", answer);
        var data = Parse(answer)["authorizationData"]?.AsArray().FirstOrDefault()
            ?? throw new CakeException($"ECR {operation} answered without authorizationData.");
        var proxy = data["proxyEndpoint"]?.GetValue<string>()
            ?? throw new CakeException($"ECR {operation} answered without a proxyEndpoint.");
        if (!Uri.TryCreate(proxy, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("https" or "http"))
        {
            throw new CakeException($"ECR {operation} answered with a proxyEndpoint that is not an http(s) URL: '{proxy}'.");
        }

        // The token is the registry's password: it never crosses the network in clear text.
        if (endpoint.Scheme == "http" && !RegistryEndpoint.IsLoopback(endpoint))
        {
            throw new CakeException(
                $"ECR {operation} answered with the proxyEndpoint '{proxy}': plain HTTP to a host that is not loopback, so the registry token " +
                $"would cross the network in clear text. Not using it: check {AwsEndpoints.VariableFor(AwsService.Ecr)} and {AwsEndpoints.EndpointUrl} " +
                "(an emulator on plain HTTP must listen on 127.0.0.1 or localhost).");
        }

        return new EcrToken(DecodeToken(data, operation), ReadTime(data["expiresAt"]), proxy);
    }

    /// <summary>ECR Public GetAuthorizationToken (always us-east-1): the login for public.ecr.aws.</summary>
    public async Task<EcrToken> GetPublicAuthorizationTokenAsync(string registry, CancellationToken ct = default)
    {
        const string operation = "GetAuthorizationToken";
        var answer = await client.CallJsonAsync(AwsService.EcrPublic, operation, "{}", ct).ConfigureAwait(false);
        ThrowIfFailed(AwsService.EcrPublic, operation, "* (and sts:GetServiceBearerToken)", answer);
        var data = Parse(answer)["authorizationData"] ?? throw new CakeException($"ECR Public {operation} answered without authorizationData.");
        return new EcrToken(DecodeToken(data, operation), ReadTime(data["expiresAt"]), registry);
    }

    /// <summary>ECR DescribeRepositories for one repository; null when it does not exist.</summary>
    public async Task<EcrRepository?> DescribeRepositoryAsync(string account, string name, CancellationToken ct = default)
    {
        const string operation = "DescribeRepositories";
        var request = new JsonObject { ["registryId"] = account, ["repositoryNames"] = new JsonArray(name) };
        var answer = await client.CallJsonAsync(AwsService.Ecr, operation, request.ToJsonString(), ct).ConfigureAwait(false);
        if (answer.Error is { Name: "RepositoryNotFoundException" })
        {
            return null;
        }

        ThrowIfFailed(AwsService.Ecr, operation, RepositoryArn(account, name), answer);
        var repository = Parse(answer)["repositories"]?.AsArray().FirstOrDefault()
            ?? throw new CakeException($"ECR {operation} answered without the repository {name}.");
        return ReadRepository(repository);
    }

    /// <summary>ECR CreateRepository with scan on push, the given tag mutability and AES256 encryption.</summary>
    public async Task<EcrRepository> CreateRepositoryAsync(string account, string name, TagMutability mutability, CancellationToken ct = default)
    {
        const string operation = "CreateRepository";
        var request = new JsonObject
        {
            ["registryId"] = account,
            ["repositoryName"] = name,
            ["imageTagMutability"] = mutability.ToString().ToUpperInvariant(),
            ["imageScanningConfiguration"] = new JsonObject { ["scanOnPush"] = true },
            ["encryptionConfiguration"] = new JsonObject { ["encryptionType"] = "AES256" },
        };
        var answer = await client.CallJsonAsync(AwsService.Ecr, operation, request.ToJsonString(), ct).ConfigureAwait(false);
        if (answer.Error is { Name: "RepositoryAlreadyExistsException" })
        {
            // Another node of the batch created it first.
            return await DescribeRepositoryAsync(account, name, ct).ConfigureAwait(false)
                ?? throw new CakeException($"ECR said the repository {name} already exists, then that it does not: retry.");
        }

        ThrowIfFailed(AwsService.Ecr, operation, RepositoryArn(account, name), answer);
        var repository = Parse(answer)["repository"] ?? throw new CakeException($"ECR {operation} answered without the repository.");
        return ReadRepository(repository);
    }

    public string RepositoryArn(string account, string name) => $"arn:aws:ecr:{Region}:{account}:repository/{name}";

    private static void ThrowIfFailed(AwsService service, string operation, string resource, AwsAnswer answer)
    {
        if (answer.Error is { } error)
        {
            throw AwsErrors.Explain(service, operation, resource, error);
        }
    }

    private static JsonNode Parse(AwsAnswer answer)
    {
        try
        {
            return JsonNode.Parse(answer.Body) ?? new JsonObject();
        }
        catch (JsonException e)
        {
            throw new CakeException($"An AWS answer was not JSON: {e.Message}");
        }
    }

    private static EcrRepository ReadRepository(JsonNode node) => new(
        node["repositoryName"]?.GetValue<string>() ?? "",
        node["registryId"]?.GetValue<string>() ?? "",
        node["repositoryUri"]?.GetValue<string>(),
        Enum.TryParse<TagMutability>(node["imageTagMutability"]?.GetValue<string>(), ignoreCase: true, out var mutability) ? mutability : TagMutability.Mutable);

    private static RegistryCredentials DecodeToken(JsonNode data, string operation)
    {
        var encoded = data["authorizationToken"]?.GetValue<string>() ?? throw new CakeException($"{operation} answered without an authorizationToken.");
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            throw new CakeException($"{operation} answered with an authorizationToken that is not base64 (user:password).");
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            ? new RegistryCredentials(decoded[..colon], decoded[(colon + 1)..])
            : throw new CakeException($"{operation} answered with an authorizationToken that is not user:password.");
    }

    // JSON 1.1 timestamps are epoch seconds (a number); accept ISO strings too.
    private static DateTimeOffset ReadTime(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Number => DateTimeOffset.FromUnixTimeMilliseconds((long)(node.GetValue<double>() * 1000)),
        JsonValueKind.String when DateTimeOffset.TryParse(node.GetValue<string>(), out var parsed) => parsed,
        _ => DateTimeOffset.UtcNow.AddHours(12),
    };
}
