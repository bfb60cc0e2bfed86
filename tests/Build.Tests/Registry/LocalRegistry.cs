using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Build.Registry;
using NUnit.Framework;

namespace Build.Tests.Registry;

/// <summary>
/// A real registry (distribution 2.8, Debian's docker-registry) on 127.0.0.1 with a free port and a temp storage
/// directory, optionally behind htpasswd Basic auth. Dispose stops it and deletes the directory.
/// </summary>
public sealed class LocalRegistry : IDisposable
{
    private const string Executable = "docker-registry";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly StringBuilder _output;

    private LocalRegistry(Process process, StringBuilder output, int port, string rootDirectory, RegistryCredentials? credentials)
    {
        _process = process;
        _output = output;
        Port = port;
        RootDirectory = rootDirectory;
        Credentials = credentials;
    }

    public int Port { get; }

    /// <summary>host:port, as image references and <see cref="RegistryClient"/> take it: 127.0.0.1:PORT.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public Uri Url => new($"http://{Address}/");

    /// <summary>Holds config.yml, htpasswd and data/; deleted on dispose.</summary>
    public string RootDirectory { get; }

    /// <summary>The htpasswd user, when started with auth.</summary>
    public RegistryCredentials? Credentials { get; }

    /// <summary>What the registry printed so far (warnings and errors), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string? FindExecutable() => FindOnPath(Executable);

    /// <summary>Fails the calling test, saying what to install, unless docker-registry (and htpasswd, for auth) are installed.</summary>
    public static void RequireInstalled(bool withAuth = false)
    {
        if (FindOnPath(Executable) is null)
        {
            Assert.Fail("docker-registry is not installed: run tests/prepare.sh (or apt-get install docker-registry).");
        }

        if (withAuth && FindOnPath("htpasswd") is null)
        {
            Assert.Fail("htpasswd is not installed: run tests/prepare.sh (or apt-get install apache2-utils).");
        }
    }

    /// <summary>Starts a registry and waits until /v2/ answers. With <paramref name="credentials"/>, requires that htpasswd login.</summary>
    public static async Task<LocalRegistry> StartAsync(RegistryCredentials? credentials = null, CancellationToken ct = default)
    {
        var executable = FindOnPath(Executable)
            ?? throw new InvalidOperationException("docker-registry is not installed: apt-get install docker-registry.");
        var root = Directory.CreateTempSubdirectory("local-registry-").FullName;
        try
        {
            if (credentials is not null)
            {
                await File.WriteAllTextAsync(Path.Combine(root, "htpasswd"), await HtpasswdAsync(credentials, ct), ct);
            }

            // A port picked free can be taken before the registry binds it: try a few.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                await File.WriteAllTextAsync(Path.Combine(root, "config.yml"), Config(root, port, credentials is not null), ct);
                var registry = Launch(executable, root, port, credentials);
                if (await registry.WaitUntilReadyAsync(ct))
                {
                    return registry;
                }

                var output = registry.Output;
                registry.Stop();
                if (attempt == 3 || !output.Contains("address already in use", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"docker-registry did not start on 127.0.0.1:{port} within {StartTimeout.TotalSeconds}s:\n{output}");
                }
            }
        }
        catch
        {
            DeleteDirectory(root);
            throw;
        }
    }

    /// <summary>A client for this registry, logging in as <see cref="Credentials"/> unless told otherwise.</summary>
    public RegistryClient CreateClient(RegistryCredentials? credentials = null, Action<string>? log = null) =>
        new(Address, credentials ?? Credentials, log: log);

    /// <summary>A raw HTTP client on <see cref="Url"/>, sending Basic auth when the registry has a login.</summary>
    public HttpClient CreateHttpClient()
    {
        var http = new HttpClient { BaseAddress = Url };
        if (Credentials is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Credentials.Username}:{Credentials.Password}")));
        }

        return http;
    }

    public void Dispose()
    {
        Stop();
        DeleteDirectory(RootDirectory);
    }

    private void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private async Task<bool> WaitUntilReadyAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout && !_process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(Url, "v2/"), ct);
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Slow to answer: ask again.
            }

            await Task.Delay(50, ct);
        }

        return false;
    }

    private static LocalRegistry Launch(string executable, string root, int port, RegistryCredentials? credentials)
    {
        var output = new StringBuilder();
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "serve", Path.Combine(root, "config.yml") },
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = start };
        DataReceivedEventHandler capture = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += capture;
        process.ErrorDataReceived += capture;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new LocalRegistry(process, output, port, root, credentials);
    }

    private static string Config(string root, int port, bool withAuth)
    {
        var config = $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {Path.Combine(root, "data")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
              secret: local-registry-test
            """;
        return withAuth
            ? config + $"""

                auth:
                  htpasswd:
                    realm: test
                    path: {Path.Combine(root, "htpasswd")}

                """
            : config + "\n";
    }

    private static async Task<string> HtpasswdAsync(RegistryCredentials credentials, CancellationToken ct)
    {
        var htpasswd = FindOnPath("htpasswd")
            ?? throw new InvalidOperationException("htpasswd is not installed: apt-get install apache2-utils.");
        var start = new ProcessStartInfo(htpasswd)
        {
            ArgumentList = { "-Bbn", credentials.Username, credentials.Password },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"htpasswd -Bbn failed ({process.ExitCode}): {await stderr}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Append("/usr/bin")
        .Select(dir => Path.Combine(dir, name))
        .FirstOrDefault(File.Exists);

    private static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
