using Build.Images;
using Build.Registry;
using Build.Tests.Aws.Emulator;
using Build.Tests.Registry;
using Build.Tests.Support;

namespace Build.Tests.Aws;

/// <summary>
/// The manifest node in ECR mode with the credentials users bring: an AWS_PROFILE that assumes a role from a source
/// profile, a credential_process, web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, as EKS and GitHub OIDC set
/// them) and SSO. The SDK's default chain resolves them (through AWSSDK.SecurityToken, SSO and SSOOIDC); the emulator
/// answers STS and checks that every ECR call is then signed with exactly the credentials the chain resolved.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class AwsProfileTests
{
    private const string SourceKey = "AKIASOURCEPROFILE001";
    private const string SourceSecret = "source/profile+secret000000000000000001";
    private const string Role = "arn:aws:iam::123456789012:role/python-images-ci";

    private AwsEmulator _aws = null!;
    private LocalRegistry _registry = null!;
    private TempMatrix _matrix = null!;
    private FakeDocker _docker = null!;
    private string _home = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        LocalRegistry.RequireInstalled(withAuth: true);
        var password = "ecr-token-" + Guid.NewGuid().ToString("N");
        _registry = await LocalRegistry.StartAsync(new RegistryCredentials("AWS", password));
        _aws = await AwsEmulator.StartAsync(SourceKey, SourceSecret);
        _aws.ProxyEndpoint = $"http://{_registry.Address}";
        _aws.RegistryPassword = password;
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _registry?.Dispose();
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
        _home = Directory.CreateTempSubdirectory("aws-profile-home-").FullName;
        Directory.CreateDirectory(Path.Combine(_home, ".aws"));
        while (_aws.Requests.TryDequeue(out _))
        {
        }

        while (_aws.AssumedRoles.TryDequeue(out _))
        {
        }
    }

    [TearDown]
    public void TearDown()
    {
        _matrix.Dispose();
        _docker.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Test]
    public async Task Should_assume_the_profiles_role_and_sign_every_ecr_call_with_the_assumed_credentials()
    {
        WriteConfig($"""
            [profile ci]
            role_arn = {Role}
            source_profile = base
            role_session_name = python-images-ci
            region = us-east-1

            [profile base]
            region = us-east-1
            """);
        WriteCredentials($"""
            [base]
            aws_access_key_id = {SourceKey}
            aws_secret_access_key = {SourceSecret}
            """);

        var result = await RunManifestNodeAsync("profile-role", new() { ["AWS_PROFILE"] = "ci" });

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var assumed = _aws.AssumedRoles.Single();
        Assert.That((assumed.Operation, assumed.RoleArn, assumed.SessionName, assumed.CallerAccessKeyId),
            Is.EqualTo(("AssumeRole", Role, "python-images-ci", SourceKey)), "AssumeRole is signed with the source profile's keys");
        AssertSignedWith(assumed.AccessKeyId, exceptOperation: "AssumeRole");
        Assert.That(result.Output, Does.Not.Contain(SourceSecret));
    }

    [Test]
    public async Task Should_sign_every_ecr_call_with_what_the_credential_process_prints()
    {
        const string key = "ASIAPROCESS000000001";
        const string secret = "process/secret+000000000000000000000001";
        var token = "process-session-" + Guid.NewGuid().ToString("N");
        _aws.AddCredentials(key, secret, token);
        var marker = Path.Combine(_home, "process-ran");
        var script = Path.Combine(_home, "credentials.sh");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            echo "$@" >> '{{marker}}'
            printf '{"Version": 1, "AccessKeyId": "{{key}}", "SecretAccessKey": "{{secret}}", "SessionToken": "{{token}}", "Expiration": "{{DateTime.UtcNow.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}}"}'
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        WriteConfig($"""
            [profile vault]
            credential_process = {script} --profile vault
            region = us-east-1
            """);

        var result = await RunManifestNodeAsync("profile-process", new() { ["AWS_PROFILE"] = "vault" });

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(File.ReadAllLines(marker), Has.All.EqualTo("--profile vault").And.Not.Empty, "the script ran with its arguments");
        Assert.That(_aws.AssumedRoles, Is.Empty);
        AssertSignedWith(key);
        Assert.That(result.Output, Does.Not.Contain(secret).And.Not.Contain(token));
    }

    [Test]
    public async Task Should_assume_the_role_with_the_web_identity_token_file()
    {
        var jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmV4YW1wbGUifQ." + Guid.NewGuid().ToString("N");
        _aws.WebIdentityTokens.Add(jwt);
        var tokenFile = Path.Combine(_home, "token");
        File.WriteAllText(tokenFile, jwt);

        var result = await RunManifestNodeAsync("web-identity", new()
        {
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile,
            ["AWS_ROLE_ARN"] = Role,
            ["AWS_ROLE_SESSION_NAME"] = "github-actions",
            ["AWS_REGION"] = "us-east-1",
        });

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var assumed = _aws.AssumedRoles.Single();
        Assert.That((assumed.Operation, assumed.RoleArn, assumed.SessionName, assumed.WebIdentityToken, assumed.CallerAccessKeyId),
            Is.EqualTo(("AssumeRoleWithWebIdentity", Role, "github-actions", jwt, (string?)null)), "unsigned, carrying the token");
        AssertSignedWith(assumed.AccessKeyId, exceptOperation: "AssumeRoleWithWebIdentity");
        Assert.That(result.Output, Does.Not.Contain(jwt));
    }

    [Test]
    public void Should_fail_before_any_call_naming_the_role_when_STS_refuses_it()
    {
        WriteConfig($"""
            [profile ci]
            role_arn = {Role}
            source_profile = base
            region = us-east-1
            """);
        WriteCredentials($"""
            [base]
            aws_access_key_id = {SourceKey}
            aws_secret_access_key = {SourceSecret}
            """);
        _aws.Faults["AssumeRole"] = new Fault(int.MaxValue, System.Net.HttpStatusCode.Forbidden, "AccessDenied",
            $"User: arn:aws:iam::123456789012:user/builder is not authorized to perform: sts:AssumeRole on resource: {Role}");
        try
        {
            var result = Run("profile-denied", ["--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1"], new() { ["AWS_PROFILE"] = "ci" });

            Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
            Assert.That(result.Output, Does.Contain("AccessDenied").And.Contain("sts:AssumeRole").And.Contain(Role));
            Assert.That(_aws.Operations, Has.None.StartsWith("GetAuthorizationToken"));
        }
        finally
        {
            _aws.Faults.Clear();
        }
    }

    [Test]
    public async Task Should_sign_every_ecr_call_with_the_role_credentials_of_a_cached_sso_login()
    {
        WriteSsoProfile();
        var accessToken = "sso-access-" + Guid.NewGuid().ToString("N");
        _aws.SsoAccessTokens.Add(accessToken);
        // What `aws sso login --profile sso` leaves: the session's token, cached under the SHA-1 of the session name.
        var cache = Path.Combine(_home, ".aws", "sso", "cache");
        Directory.CreateDirectory(cache);
        File.WriteAllText(Path.Combine(cache, Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData("corp"u8)) + ".json"), $$"""
            {"startUrl": "https://corp.awsapps.com/start", "region": "us-east-1", "accessToken": "{{accessToken}}",
             "expiresAt": "{{DateTime.UtcNow.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}}"}
            """);

        var result = await RunManifestNodeAsync("sso-login", new() { ["AWS_PROFILE"] = "sso" });

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var role = _aws.AssumedRoles.Single();
        Assert.That((role.Operation, role.RoleArn, role.WebIdentityToken), Is.EqualTo(("GetRoleCredentials", "arn:aws:iam::123456789012:role/Builder", accessToken)));
        AssertSignedWith(role.AccessKeyId, exceptOperation: "GetRoleCredentials");
        Assert.That(result.Output, Does.Not.Contain(accessToken));
    }

    [Test]
    public void Should_say_to_log_in_when_an_sso_profile_has_no_cached_login()
    {
        WriteSsoProfile();

        var result = Run("sso-none", ["--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1"], new() { ["AWS_PROFILE"] = "sso" });

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("AWS_PROFILE 'sso' is an SSO profile").And.Contain("aws sso login --profile sso"));
        Assert.That(_aws.Requests, Is.Empty, "nothing is called before the login");
    }

    [Test]
    public async Task Should_reach_the_endpoints_of_the_config_files_services_section_and_honour_max_attempts()
    {
        WriteConfig($"""
            [profile local]
            aws_access_key_id = {SourceKey}
            aws_secret_access_key = {SourceSecret}
            region = us-east-1
            services = emulator
            max_attempts = 2

            [services emulator]
            ecr =
              endpoint_url = {_aws.Url}
            sts =
              endpoint_url = {_aws.Url}
            """);
        var profileOnly = new Dictionary<string, string?> { ["AWS_PROFILE"] = "local", ["AWS_ENDPOINT_URL"] = null };

        var reached = await RunManifestNodeAsync("services-section", profileOnly);

        Assert.That(reached.ExitCode, Is.EqualTo(0), reached.ToString());
        AssertSignedWith(SourceKey);

        _aws.Throttle("GetAuthorizationToken", 10);
        try
        {
            var fromProfile = Run("services-retry", ["--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1"], profileOnly);
            var fromProfileCalls = _aws.Operations.Count(o => o == "GetAuthorizationToken") - 1;
            var fromVariable = Run("services-retry", ["--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1"],
                new(profileOnly) { ["AWS_MAX_ATTEMPTS"] = "3" });

            Assert.That(fromProfile.Output, Does.Contain("ECR GetAuthorizationToken failed after 2 attempts"), fromProfile.ToString());
            Assert.That(fromProfileCalls, Is.EqualTo(2));
            Assert.That(fromVariable.Output, Does.Contain("ECR GetAuthorizationToken failed after 3 attempts"), fromVariable.ToString());
            Assert.That(_aws.Operations.Count(o => o == "GetAuthorizationToken"), Is.EqualTo(1 + 2 + 3));
        }
        finally
        {
            _aws.Faults.Clear();
        }
    }

    private void WriteSsoProfile() => WriteConfig("""
        [profile sso]
        sso_session = corp
        sso_account_id = 123456789012
        sso_role_name = Builder
        region = us-east-1

        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = us-east-1
        sso_registration_scopes = sso:account:access
        """);

    private async Task<BuildProgram.Result> RunManifestNodeAsync(string repository, Dictionary<string, string?> environment)
    {
        await TestImage.Create(new Platform("linux", "amd64"), label: repository).PushAsync(_registry, repository, "3.8.t1-amd64");
        await TestImage.Create(new Platform("linux", "arm64", "v8"), label: repository).PushAsync(_registry, repository, "3.8.t1-arm64v8");
        var result = Run(repository, ["--target=PushManifest", "--python-version=3.8", "--tag-suffix=t1"], environment);
        if (result.ExitCode == 0)
        {
            using var client = _registry.CreateClient();
            Assert.That(await client.GetManifestAsync(repository, "3.8.t1"), Is.Not.Null, "the list was pushed");
        }

        return result;
    }

    // Every ECR call (and STS GetCallerIdentity) carried a valid signature of exactly this key (and its session token).
    private void AssertSignedWith(string accessKeyId, string? exceptOperation = null)
    {
        var calls = _aws.Requests.Where(r => r.Operation != exceptOperation).ToList();
        Assert.That(calls.Select(r => r.Operation), Is.EqualTo(new[] { "GetCallerIdentity", "GetAuthorizationToken", "DescribeRepositories", "CreateRepository" }));
        Assert.That(calls.Select(r => (r.Operation, r.AccessKeyId, r.SignatureValid)), Has.All.Matches<(string, string?, bool)>(c => c.Item2 == accessKeyId && c.Item3),
            string.Join("\n", calls.Select(c => $"{c.Operation} {c.AccessKeyId} valid={c.SignatureValid}")));
    }

    private void WriteConfig(string text) => File.WriteAllText(Path.Combine(_home, ".aws", "config"), text + "\n");

    private void WriteCredentials(string text) => File.WriteAllText(Path.Combine(_home, ".aws", "credentials"), text + "\n");

    private BuildProgram.Result Run(string repository, string[] arguments, Dictionary<string, string?> overrides)
    {
        var environment = new Dictionary<string, string?>(_docker.Environment)
        {
            ["HOME"] = _home,
            ["AWS_CONFIG_FILE"] = Path.Combine(_home, ".aws", "config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_home, ".aws", "credentials"),
            ["AWS_ENDPOINT_URL"] = _aws.Url.ToString(),
        };
        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        return BuildProgram.Run([$"--matrix={_matrix.Path}", $"--repository={repository}", "--verbosity=verbose", .. arguments], environment);
    }
}
