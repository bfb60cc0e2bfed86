using System.Text;
using System.Text.Json;
using Cake.Core;

namespace Build.Docker.Config;

/// <summary>
/// docker's client configuration, read as the docker CLI reads it and never written: <c>$DOCKER_CONFIG/config.json</c>,
/// else <c>~/.docker/config.json</c>. For a registry it gives, as docker does: the <c>credHelpers</c> entry's helper,
/// else the <c>credsStore</c> helper, else the <c>auths</c> entry (<c>auth</c>, <c>username</c>/<c>password</c>,
/// <c>identitytoken</c>).
/// </summary>
public sealed class DockerConfigFile
{
    private const string DockerHubKey = "https://index.docker.io/v1/";

    private readonly JsonElement _root;

    private DockerConfigFile(string path, JsonElement root, Func<string, string?> environment)
    {
        Path = path;
        _root = root;
        Environment = environment;
    }

    /// <summary>The config.json this was read from (it may not exist: then it holds no login).</summary>
    public string Path { get; }

    private Func<string, string?> Environment { get; }

    /// <summary>Where docker looks: DOCKER_CONFIG's config.json, else the home folder's .docker/config.json.</summary>
    public static string Locate(Func<string, string?> environment)
    {
        var directory = environment(DockerEnvVars.Config) is { Length: > 0 } configured
            ? configured
            : System.IO.Path.Combine(environment("HOME") is { Length: > 0 } home ? home : System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".docker");
        return System.IO.Path.Combine(directory, "config.json");
    }

    public static DockerConfigFile Read(Func<string, string?> environment)
    {
        var path = Locate(environment);
        if (!File.Exists(path))
        {
            return new DockerConfigFile(path, default, environment);
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return new DockerConfigFile(path, document.RootElement.Clone(), environment);
        }
        catch (JsonException e)
        {
            throw new CakeException($"The docker config {path} is not valid JSON ({e.Message}): fix or remove it (docker login rewrites it), or set DOCKER_CONFIG to another folder.");
        }
        catch (IOException e)
        {
            throw new CakeException($"The docker config {path} could not be read ({e.Message}).");
        }
    }

    /// <summary>The helper that holds <paramref name="registry"/>'s login (credHelpers, then credsStore), or null.</summary>
    public string? HelperFor(string registry) =>
        Section("credHelpers") is { } helpers && helpers.TryGetProperty(registry, out var helper) && helper.GetString() is { Length: > 0 } name ? name
        : _root.ValueKind == JsonValueKind.Object && _root.TryGetProperty("credsStore", out var store) && store.GetString() is { Length: > 0 } storeName ? storeName
        : null;

    /// <summary>The login docker would use for <paramref name="registry"/> (host[:port]), or null when it has none.</summary>
    public DockerAuth? Find(string registry)
    {
        var server = ServerAddress(registry);
        if (HelperFor(registry) is { } helper)
        {
            return new DockerCredentialHelper(helper, Environment).Get(server);
        }

        var auths = Section("auths");
        if (auths is null)
        {
            return null;
        }

        foreach (var entry in auths.Value.EnumerateObject())
        {
            if (entry.Name == server || Hostname(entry.Name) == Hostname(server))
            {
                return FromAuthsEntry(entry.Value, $"{Path} (auths)");
            }
        }

        return null;
    }

    /// <summary>The key docker files a registry's login under: Docker Hub's is its v1 URL, any other is the host[:port].</summary>
    public static string ServerAddress(string registry) =>
        registry is "docker.io" or "index.docker.io" or "registry-1.docker.io" ? DockerHubKey : registry;

    // docker's ConvertToHostname: drop the scheme and anything after the host.
    private static string Hostname(string key)
    {
        var host = key.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? key[8..]
            : key.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? key[7..] : key;
        return host.Split('/')[0];
    }

    private JsonElement? Section(string name) =>
        _root.ValueKind == JsonValueKind.Object && _root.TryGetProperty(name, out var section) && section.ValueKind == JsonValueKind.Object ? section : null;

    private DockerAuth? FromAuthsEntry(JsonElement entry, string source)
    {
        string? Get(string name) => entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        var username = Get("username");
        var password = Get("password");
        if (Get("auth") is { Length: > 0 } auth)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException)
            {
                throw new CakeException($"The docker config {Path} has an auths entry whose \"auth\" is not base64 of user:password: log in again (docker login).");
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new CakeException($"The docker config {Path} has an auths entry whose \"auth\" is not user:password: log in again (docker login).");
            }

            (username, password) = (decoded[..colon], decoded[(colon + 1)..]);
        }

        var identityToken = Get("identitytoken") is { Length: > 0 } token ? token : null;
        if (identityToken is null && string.IsNullOrEmpty(password))
        {
            // An entry without a secret (docker leaves such placeholders): no login.
            return null;
        }

        return new DockerAuth(username ?? "", password ?? "", identityToken, source);
    }
}
