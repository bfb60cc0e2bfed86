using System.Diagnostics;
using System.Text;
using Build.Images;
using Build.Registry;
using Build.Tests.Aws.Emulator;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Aws;

/// <summary>
/// The manifest node in ECR mode against the AWS emulator and a real registry behind htpasswd (user AWS, the token's
/// password): no --registry, no AWS_ACCOUNT_ID. The arch images are pushed with the registry API, so no docker is needed.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class EcrManifestNodeTests
{
    private const string AccessKey = "AKIAEMULATOR0000001";
    private const string SecretKey = "emulator/secret+key0000000000000000000001";
    private static readonly Platform Amd64 = new("linux", "amd64");
    private static readonly Platform Arm64 = new("linux", "arm64", "v8");

    private AwsEmulator _aws = null!;
    private LocalRegistry _registry = null!;
    private TempMatrix _matrix = null!;
    private FakeDocker _docker = null!;
    private string _password = null!;
    private LocalRegistry _public = null!;

    [OneTimeSetUp]
    public async Task StartEmulatorAndRegistry()
    {
        LocalRegistry.RequireInstalled(withAuth: true);
        _password = "ecr-token-" + Guid.NewGuid().ToString("N");
        _registry = await LocalRegistry.StartAsync(new RegistryCredentials("AWS", _password));
        _aws = await AwsEmulator.StartAsync(AccessKey, SecretKey);
        _aws.ProxyEndpoint = $"http://{_registry.Address}";
        _aws.RegistryPassword = _password;
        _aws.PublicRegistryPassword = "ecr-public-token-" + Guid.NewGuid().ToString("N");
        _public = await LocalRegistry.StartAsync(new RegistryCredentials("AWS", _aws.PublicRegistryPassword));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _registry?.Dispose();
        _public?.Dispose();
        if (_aws is not null)
        {
            await _aws.DisposeAsync();
        }
    }

    [SetUp]
    public void SetUp()
    {
        _matrix = TempMatrix.TwoByTwo();
        _docker = new FakeDocker();
        _aws.Faults.Clear();
        _aws.TokenLifetime = TimeSpan.FromHours(12);
        while (_aws.Requests.TryDequeue(out _))
        {
        }
    }

    [TearDown]
    public void TearDown()
    {
        _matrix.Dispose();
        _docker.Dispose();
    }

    [Test]
    public async Task Should_ask_sts_create_the_repository_and_push_verified_lists_to_the_proxy_endpoint()
    {
        var (amd64, arm64) = await PushArchImagesAsync("node-a", "3.8.t1");

        var result = Run("node-a", "--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_aws.Operations, Is.EqualTo(new[] { "GetCallerIdentity", "GetAuthorizationToken", "DescribeRepositories", "CreateRepository" }));
        Assert.That(_aws.Requests.All(r => r.SignatureValid), Is.True);
        var created = _aws.Repositories["node-a"];
        Assert.That(created["imageTagMutability"]!.GetValue<string>(), Is.EqualTo("MUTABLE"));
        Assert.That(created["imageScanningConfiguration"]!["scanOnPush"]!.GetValue<bool>(), Is.True);
        Assert.That(created["encryptionConfiguration"]!["encryptionType"]!.GetValue<string>(), Is.EqualTo("AES256"));
        Assert.That(created["registryId"]!.GetValue<string>(), Is.EqualTo(_aws.Account));

        using var client = _registry.CreateClient();
        foreach (var tag in new[] { "3.8.t1", "3.8" })
        {
            var list = await client.GetManifestAsync("node-a", tag);
            Assert.That(list, Is.Not.Null, tag);
            Assert.That(list!.Descriptors().ToDictionary(d => d.Platform!.ToString(), d => d.Digest), Is.EqualTo(new Dictionary<string, string>
            {
                ["linux/amd64"] = amd64,
                ["linux/arm64/v8"] = arm64,
            }));
        }

        Assert.That(result.Output, Does.Contain($"{_registry.Address}/node-a:3.8.t1"));
        Assert.That(result.Output, Does.Not.Contain(_password));
    }

    [Test]
    public async Task Should_use_the_ecr_token_whatever_docker_holds_for_the_registry()
    {
        var (amd64, arm64) = await PushArchImagesAsync("node-docker-config", "3.8.t1");
        var dockerConfig = Directory.CreateTempSubdirectory("ecr-docker-config-").FullName;
        try
        {
            // A stale login for the same host, and a credsStore whose helper is not even installed: ECR mode reads neither.
            var stale = Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:expired-token"));
            File.WriteAllText(Path.Combine(dockerConfig, "config.json"),
                "{\"auths\": {\"" + _registry.Address + "\": {\"auth\": \"" + stale + "\"}}, \"credsStore\": \"not-installed\"}");
            var before = File.ReadAllBytes(Path.Combine(dockerConfig, "config.json"));

            var result = Run("node-docker-config", ["--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1"], new() { ["DOCKER_CONFIG"] = dockerConfig });

            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            Assert.That(_aws.Operations, Does.Contain("GetAuthorizationToken"));
            Assert.That(File.ReadAllBytes(Path.Combine(dockerConfig, "config.json")), Is.EqualTo(before));
            using var client = _registry.CreateClient();
            Assert.That((await client.GetManifestAsync("node-docker-config", "3.8"))!.Descriptors().Select(d => d.Digest), Is.EquivalentTo(new[] { amd64, arm64 }));
        }
        finally
        {
            Directory.Delete(dockerConfig, recursive: true);
        }
    }

    [Test]
    public async Task Should_run_the_manifest_node_through_build_sh()
    {
        var (amd64, arm64) = await PushArchImagesAsync("node-l", "3.8.t1");

        var result = BuildProgram.Run(
            [$"--matrix={_matrix.Path}", "--repository=node-l", "--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1"], Environment());

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_aws.Operations, Does.Contain("GetCallerIdentity").And.Contain("CreateRepository"));
        using var client = _registry.CreateClient();
        var list = await client.GetManifestAsync("node-l", "3.8");
        Assert.That(list!.Descriptors().Select(d => d.Digest), Is.EquivalentTo(new[] { amd64, arm64 }));
    }

    [Test]
    public async Task Should_renew_a_token_that_is_about_to_expire()
    {
        await PushArchImagesAsync("node-m", "3.8.t1");
        _aws.TokenLifetime = TimeSpan.FromMinutes(10);

        var result = Run("node-m", "--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_aws.Operations.Count(o => o == "GetAuthorizationToken"), Is.GreaterThan(1), "a token with less than 15 minutes left is fetched anew");
    }

    [Test]
    public async Task Should_fetch_one_token_for_a_run_that_its_token_outlives()
    {
        await PushArchImagesAsync("node-n", "3.8.t1");

        var result = Run("node-n", "--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_aws.Operations.Count(o => o == "GetAuthorizationToken"), Is.EqualTo(1));
    }

    [Test]
    public void Should_sign_requests_exactly_as_botocore_does()
    {
        var result = Run("node-b", "--target=CreateManifest", "--python-version=3.8", "--tag-suffix=t1");
        Assert.That(_aws.Requests, Is.Not.Empty, result.ToString());

        foreach (var request in _aws.Requests.Where(r => r.Operation is "GetAuthorizationToken" or "GetCallerIdentity"))
        {
            Assert.That(BotocoreAuthorization(request), Is.EqualTo(request.Headers["authorization"]), request.Operation);
        }
    }

    [Test]
    public void Should_reject_a_wrongly_signed_request_and_say_to_check_the_credentials()
    {
        var result = Run("node-c", ["--target=PushManifest", "--tag-suffix=t1"], new() { ["AWS_SECRET_ACCESS_KEY"] = "not-the-secret" });

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(_aws.Requests.First().SignatureValid, Is.False);
        Assert.That(result.Output, Does.Contain("STS GetCallerIdentity: AWS rejected the request's credentials or signature (SignatureDoesNotMatch"));
        Assert.That(result.Output, Does.Contain("AWS_SECRET_ACCESS_KEY"));
    }

    [Test]
    public async Task Should_take_the_account_from_aws_account_id_without_asking_sts()
    {
        await PushArchImagesAsync("node-j", "3.8.t1");

        var result = Run("node-j", ["--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1"], new() { ["AWS_ACCOUNT_ID"] = "111122223333" });

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_aws.Operations, Does.Not.Contain("GetCallerIdentity"));
        Assert.That(_aws.Repositories["node-j"]["registryId"]!.GetValue<string>(), Is.EqualTo("111122223333"));
    }

    [Test]
    public void Should_plan_the_ecr_calls_and_make_none_under_dryrun()
    {
        var result = Run("node-k", "--target=PushManifest", "--tag-suffix=t1", "--dryrun", "--public-registry=public.ecr.aws/alias");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("STS GetCallerIdentity").And.Contain("ECR GetAuthorizationToken").And.Contain("CreateRepository when missing"));
        Assert.That(result.Output, Does.Contain("PUT <account>.dkr.ecr.us-east-1.amazonaws.com/v2/node-k/manifests/3.8.t1"));
        Assert.That(result.Output, Does.Contain("public.ecr.aws/v2/alias/node-k/manifests/3.8"));
        Assert.That(_aws.Requests, Is.Empty);
    }

    [Test]
    public void Should_say_how_to_configure_credentials_when_there_are_none()
    {
        var result = Run("node-d", ["--target=PushImage", "--tag-suffix=t1"], new() { ["AWS_ACCESS_KEY_ID"] = null, ["AWS_SECRET_ACCESS_KEY"] = null });

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("No AWS credentials were found").And.Contain("AWS_ACCESS_KEY_ID").And.Contain("AWS_PROFILE"));
        Assert.That(_aws.Requests, Is.Empty);
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_name_the_iam_action_and_resource_when_access_is_denied()
    {
        _aws.Deny("CreateRepository");

        var result = Run("node-e", "--target=PushManifest", "--tag-suffix=t1");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("ecr:CreateRepository").And.Contain($"arn:aws:ecr:us-east-1:{_aws.Account}:repository/node-e"));
    }

    [Test]
    public void Should_give_up_on_throttling_past_the_retry_bound()
    {
        _aws.Throttle("GetAuthorizationToken", 100);

        var result = Run("node-f", "--target=PushManifest", "--tag-suffix=t1");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("ECR GetAuthorizationToken failed after 5 attempts").And.Contain("ThrottlingException"));
        Assert.That(_aws.Operations.Count(o => o == "GetAuthorizationToken"), Is.EqualTo(5));
    }

    [Test]
    public async Task Should_retry_throttled_calls_within_the_bound()
    {
        await PushArchImagesAsync("node-g", "3.8.t1");
        _aws.Throttle("DescribeRepositories", 2);

        var result = Run("node-g", "--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_aws.Operations.Count(o => o == "DescribeRepositories"), Is.EqualTo(3));
    }

    [Test]
    public async Task Should_accept_the_same_list_under_an_immutable_tag_and_refuse_a_different_one()
    {
        await PushArchImagesAsync("node-h", "3.8.t1");
        var first = Run("node-h", "--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1", "--tag-immutability=IMMUTABLE");
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(_aws.Repositories["node-h"]["imageTagMutability"]!.GetValue<string>(), Is.EqualTo("IMMUTABLE"));

        var again = Run("node-h", "--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.ToString());
        Assert.That(again.Output, Does.Contain("already holds this manifest list (immutable tag)"));

        // Another image under 3.8.t1: the list the node composes now differs from the one the tag holds.
        await TestImage.Create(Amd64, label: "other").PushAsync(_registry, "node-h", "3.8.t1-amd64");
        var collision = Run("node-h", "--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1");

        Assert.That(collision.ExitCode, Is.Not.EqualTo(0), collision.ToString());
        Assert.That(collision.Output, Does.Contain("The ECR repository node-h").And.Contain("is IMMUTABLE").And.Contain("tag '3.8.t1'"));
    }

    [Test]
    public async Task Should_promote_the_images_and_the_same_verified_lists_to_the_public_registry()
    {
        var (amd64, arm64) = await PushArchImagesAsync("node-i", "3.8.t1");

        var result = Run("node-i", "--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1", $"--public-registry={_public.Address}/alias");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var publicToken = _aws.Requests.Single(r => r.Service == "ecr-public");
        Assert.That(publicToken.Operation, Is.EqualTo("GetAuthorizationToken"));
        Assert.That(publicToken.Headers["authorization"], Does.Contain("/us-east-1/ecr-public/aws4_request"));
        Assert.That(publicToken.SignatureValid, Is.True);

        using var privateClient = _registry.CreateClient();
        using var publicClient = _public.CreateClient();
        Assert.That((await publicClient.HeadManifestAsync("alias/node-i", "3.8.t1-amd64"))?.Digest, Is.EqualTo(amd64));
        Assert.That((await publicClient.HeadManifestAsync("alias/node-i", "3.8.t1-arm64v8"))?.Digest, Is.EqualTo(arm64));
        foreach (var tag in new[] { "3.8.t1", "3.8" })
        {
            var privateList = await privateClient.GetManifestAsync("node-i", tag);
            var publicList = await publicClient.GetManifestAsync("alias/node-i", tag);
            Assert.That(publicList?.Digest, Is.EqualTo(privateList!.Digest), tag);
        }

        Assert.That(result.Output, Does.Contain($"Promoted and verified {_public.Address}/alias/node-i:3.8"));
        Assert.That(result.Output, Does.Not.Contain(_aws.PublicRegistryPassword));
    }

    [Test]
    public async Task Should_not_send_the_ecr_public_token_to_a_public_registry_on_another_host()
    {
        // The ECR Public endpoint is the emulator on 127.0.0.1; 127.0.0.2 is another host, listening and recording.
        await PushArchImagesAsync("node-o", "3.8.t1");
        await using var other = await LoopbackServer.StartAsync(context => { context.Response.StatusCode = 401; return Task.CompletedTask; });

        var result = Run("node-o", "--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1", $"--public-registry={other.OtherAddress}/alias");

        Assert.That(other.Requests.Where(r => r.Authorization is not null), Is.Empty, "the ECR Public token went to another host");
        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain($"--public-registry '{other.OtherAddress}/alias'").And.Contain("public.ecr.aws/<alias>"));
        Assert.That(_aws.Requests.Where(r => r.Service == "ecr-public"), Is.Empty, "an ECR Public token was asked for");
    }

    [Test]
    public void Should_accept_only_ecr_public_as_the_public_registry()
    {
        var result = Run("node-p", "--target=PushManifest", "--tag-suffix=t1", "--public-registry=ghcr.io/alias");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("--public-registry 'ghcr.io/alias' is not ECR Public"));
        Assert.That(_aws.Requests, Is.Empty, "the run talked to AWS before rejecting its input");
    }

    private async Task<(string Amd64, string Arm64)> PushArchImagesAsync(string repository, string prefix)
    {
        var amd64 = await TestImage.Create(Amd64, label: repository).PushAsync(_registry, repository, prefix + "-amd64");
        var arm64 = await TestImage.Create(Arm64, label: repository).PushAsync(_registry, repository, prefix + "-arm64v8");
        return (amd64, arm64);
    }

    private BuildProgram.Result Run(string repository, params string[] arguments) => Run(repository, arguments, []);

    private BuildProgram.Result Run(string repository, string[] arguments, Dictionary<string, string?> overrides)
    {
        var environment = Environment();
        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        return BuildProgram.Run([$"--matrix={_matrix.Path}", $"--repository={repository}", .. arguments], environment);
    }

    private Dictionary<string, string?> Environment() => new(_docker.Environment)
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL"] = _aws.Url.ToString(),
    };

    /// <summary>The Authorization header botocore's SigV4Auth computes for the same method, URL, headers, body and time.</summary>
    private string BotocoreAuthorization(RecordedRequest request)
    {
        const string script = """
            import sys, json, base64, datetime
            from unittest import mock
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            r = json.load(sys.stdin)
            signed = r["headers"]["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
            headers = {k: v for k, v in r["headers"].items() if k in signed and k not in ("host", "x-amz-date")}
            req = AWSRequest(method=r["method"], url=r["url"], data=base64.b64decode(r["body"]), headers=headers)
            stamp = datetime.datetime.strptime(r["headers"]["x-amz-date"], "%Y%m%dT%H%M%SZ")
            with mock.patch("botocore.auth.get_current_datetime", return_value=stamp):
                SigV4Auth(Credentials(r["key"], r["secret"]), r["service"], r["region"]).add_auth(req)
            print(req.headers["Authorization"])
            """;
        var input = System.Text.Json.JsonSerializer.Serialize(new
        {
            method = request.Method,
            url = new Uri(_aws.Url, request.Path).ToString(),
            headers = request.Headers,
            body = Convert.ToBase64String(request.Body),
            key = AccessKey,
            secret = SecretKey,
            service = request.Service,
            region = "us-east-1",
        });
        var start = new ProcessStartInfo("python3") { ArgumentList = { "-c", script }, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), "botocore failed: " + error);
        return output.Trim();
    }
}
