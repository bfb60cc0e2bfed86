using System.Text.Json;
using System.Text.RegularExpressions;
using Build.Tests.Aws.Emulator;
using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>
/// README's "Rejected input" table, row by row: each row's example is run here as a user would run it, and must fail
/// (non-zero exit) with the row's message, before any docker command. A row without a case here, or a case without a
/// row, fails the first test: the table and the tests cannot drift apart.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed partial class RejectedInputTests
{
    private const string AccessKey = "AKIAEMULATOR0000001";
    private const string SecretKey = "emulator/secret+key0000000000000000000001";

    private static readonly string Readme = Path.Combine(BuildProgram.RepositoryRoot, "README.md");

    /// <summary>How to run each example of the table; the key is the example as README writes it (without backquotes).</summary>
    private static readonly Dictionary<string, Func<Run, Task<BuildProgram.Result>>> Cases = new(StringComparer.Ordinal)
    {
        // Command line.
        ["--arch=sparc"] = run => run.Program("--target=PushImage", "--registry=127.0.0.1:5000", "--tag-suffix=t1", "--arch=sparc"),
        ["--python-version=9.9"] = run => run.Program("--target=PushImage", "--registry=127.0.0.1:5000", "--tag-suffix=t1", "--python-version=9.9"),
        ["--registry=http://127.0.0.1:5000"] = run => run.Program("--target=PushImage", "--registry=http://127.0.0.1:5000", "--tag-suffix=t1"),
        ["--registry=127.0.0.1:99999"] = run => run.Program("--target=PushImage", "--registry=127.0.0.1:99999", "--tag-suffix=t1"),
        ["--repository=Team/Python"] = run => run.Program("--target=PushImage", "--registry=127.0.0.1:5000", "--tag-suffix=t1", "--repository=Team/Python"),
        ["--tag-suffix=bad/suffix"] = run => run.Program("--target=PushImage", "--registry=127.0.0.1:5000", "--tag-suffix=bad/suffix"),
        ["--retries=0"] = run => run.Program("--target=PushImage", "--registry=127.0.0.1:5000", "--tag-suffix=t1", "--retries=0"),
        ["--tag-immutability=sometimes"] = run => run.Program("--target=PushImage", "--tag-suffix=t1", "--tag-immutability=sometimes"),
        ["--public-registry=ghcr.io/alias"] = run => run.Program("--target=PushManifest", "--tag-suffix=t1", "--public-registry=ghcr.io/alias"),
        ["--public-registry=public.ecr.aws/alias --registry=127.0.0.1:5000"] = run =>
            run.Program("--target=PushManifest", "--registry=127.0.0.1:5000", "--tag-suffix=t1", "--public-registry=public.ecr.aws/alias"),
        ["--buildspec-dir=/tmp/buildspecs"] = run => run.Program("--target=Buildspec", "--buildspec-dir=/tmp/buildspecs"),
        ["--manifest-nodes=all"] = run => run.Program("--target=Buildspec", "--manifest-nodes=all"),
        ["--group-by=os"] = run => run.Program("--target=Buildspec", "--group-by=os"),
        ["--parallel=0"] = run => run.Program("--target=LocalBatch", "--registry=127.0.0.1:5000", "--parallel=0"),
        ["--poll-interval=0"] = run => run.Program("--target=StartBatch", "--poll-interval=0"),
        ["--target=BuildImage on a matrix with a base, without --registry"] = run =>
        {
            run.WriteMatrix(new { repository = "python", @base = new { repository = "base", tag = "t", suite = "bookworm", packages = new[] { "python3" } }, images = Images() });
            return run.Program("--target=BuildImage", "--tag-suffix=t1");
        },

        // Environment.
        ["CODEBUILD_RESOLVED_SOURCE_VERSION='HEAD --output=x'"] = run =>
            run.Program(["--target=BuildImage", "--registry=127.0.0.1:5000", "--dryrun"], new() { ["CODEBUILD_RESOLVED_SOURCE_VERSION"] = "HEAD --output=x" }),
        ["CODEBUILD_START_TIME=yesterday"] = run =>
            run.Program(["--target=BuildImage", "--tag-suffix=t1"], new() { ["CODEBUILD_START_TIME"] = "yesterday" }),
        ["REGISTRY_USERNAME=builder (no REGISTRY_PASSWORD)"] = run =>
            run.Program(["--target=PushImage", "--registry=127.0.0.1:5000", "--tag-suffix=t1"], new() { ["REGISTRY_USERNAME"] = "builder" }),
        ["--target=PushImage (ECR mode) with no region"] = run => run.Program("--target=PushImage", "--tag-suffix=t1"),
        ["--target=PushImage --region=eu-west-1 (ECR mode) with no credentials"] = run => run.Program("--target=PushImage", "--tag-suffix=t1", "--region=eu-west-1"),
        ["AWS_ENDPOINT_URL_ECR=ftp://127.0.0.1:1"] = run => run.Program(
            ["--target=PushManifest", "--tag-suffix=t1", "--region=eu-west-1"],
            new() { ["AWS_ACCESS_KEY_ID"] = AccessKey, ["AWS_SECRET_ACCESS_KEY"] = SecretKey, ["AWS_ACCOUNT_ID"] = "123456789012", ["AWS_ENDPOINT_URL_ECR"] = "ftp://127.0.0.1:1" }),

        // The image matrix.
        ["a matrix that is not JSON"] = run =>
        {
            File.WriteAllText(run.Matrix.Path, "{\n  \"repository\": \"python\",\n  \"images\": [ { \"version\" \"3.8\" } ]\n}\n");
            return run.Program("--target=BuildImage", "--tag-suffix=t1");
        },
        ["\"dockerfile\": \"../../etc/hostname\""] = run => run.MatrixWith(Images(dockerfile: "../../etc/hostname")),
        ["\"dockerfile\": \"missing.Dockerfile\""] = run => run.MatrixWith(Images(dockerfile: "missing.Dockerfile")),
        ["\"repository\": \"Python\""] = run => run.MatrixWith(Images(), repository: "Python"),
        ["\"version\": \"3.8/x\""] = run => run.MatrixWith(Images(version: "3.8/x")),
        ["\"architectures\": [\"sparc\"]"] = run => run.MatrixWith(Images(architecture: "sparc")),
        ["the same \"version\" twice"] = run => run.MatrixWith([.. Images(), .. Images()]),
        ["\"base\": { \"suite\": \"bookworm --customize-hook=...\" }"] = run => run.MatrixWith(Images(), @base: new { repository = "base", tag = "t", suite = "bookworm --customize-hook=true", packages = new[] { "python3" } }),
        ["\"base\": { \"tag\": \"latest\" }"] = run => run.MatrixWith(Images(), @base: new { repository = "base", tag = "latest", suite = "bookworm", packages = new[] { "python3" } }),
        ["\"base\": { \"packages\": [\"python3; rm -rf /\"] }"] = run => run.MatrixWith(Images(), @base: new { repository = "base", tag = "t", suite = "bookworm", packages = new[] { "python3; rm -rf /" } }),

        // Buildspecs.
        ["--buildspec=notes.md (not YAML)"] = run =>
        {
            var notes = Path.Combine(run.Matrix.Directory, "notes.md");
            File.WriteAllText(notes, "# Notes\n\nSome text: with a colon\nand: another: colon\n");
            return run.Program("--target=CheckBuildspec", $"--buildspec={notes}");
        },
        ["LocalBatch on a buildspec edited after Buildspec wrote it"] = run => run.EditedBuildspec(),

        // Registries and AWS.
        ["a token realm over plain HTTP on another host"] = run => run.PlainHttpRealm(),
        ["an ECR proxyEndpoint over plain HTTP on a host that is not loopback"] = run => run.PlainHttpProxyEndpoint(),
    };

    public static IEnumerable<TestCaseData> Rows() =>
        ReadmeRows().Select(row => new TestCaseData(row.Example, row.Message).SetName($"Should_reject {row.Example}"));

    [Test]
    public void Should_have_a_case_for_every_row_of_the_readme_table_and_a_row_for_every_case()
    {
        var rows = ReadmeRows().Select(r => r.Example).ToList();

        Assert.That(rows, Is.Unique, "a row is in the table twice");
        Assert.That(rows, Is.EquivalentTo(Cases.Keys), "README's 'Rejected input' table and RejectedInputTests.Cases differ");
    }

    [TestCaseSource(nameof(Rows))]
    public async Task Should_reject(string example, string message)
    {
        Assert.That(Cases.TryGetValue(example, out var run), Is.True, $"no case for the README row '{example}'");
        using var context = new Run();

        var result = await run!(context);

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain(message), result.ToString());
        Assert.That(context.Docker.Calls, Is.Empty, "a docker command ran");
    }

    private static object[] Images(string version = "3.8", string dockerfile = "python3.8.Dockerfile", string architecture = "amd64") =>
        [new { version, dockerfile, architectures = new[] { architecture } }];

    /// <summary>README's table under "## Rejected input": (example, message), backquotes removed.</summary>
    private static List<(string Example, string Message)> ReadmeRows()
    {
        var lines = File.ReadAllLines(Readme);
        var start = Array.FindIndex(lines, l => l.Trim() == "## Rejected input");
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "README has no '## Rejected input' section");
        return lines.Skip(start + 1)
            .SkipWhile(l => !l.StartsWith('|'))
            .TakeWhile(l => l.StartsWith('|'))
            .Skip(2) // header and separator
            .Select(l => Cells().Matches(l).Select(m => Unquote(m.Groups[1].Value.Trim())).ToList())
            .Select(cells => (cells[1], cells[2]))
            .ToList();
    }

    // One cell per "| ... " (a '|' inside backquotes is escaped as \| in Markdown tables).
    private static string Unquote(string cell) => cell.Replace("\\|", "|", StringComparison.Ordinal).Trim('`');

    [GeneratedRegex(@"\|((?:[^|\\]|\\.)*)(?=\|)")]
    private static partial Regex Cells();

    /// <summary>One case's world: a matrix, a docker that must not be called, whatever else the case starts.</summary>
    private sealed class Run : IDisposable
    {
        private readonly List<IDisposable> _resources = [];
        private readonly List<IAsyncDisposable> _asyncResources = [];

        public TempMatrix Matrix { get; } = TempMatrix.TwoByTwo();

        public FakeDocker Docker { get; } = new();

        public Task<BuildProgram.Result> Program(params string[] arguments) => Program(arguments, []);

        public Task<BuildProgram.Result> Program(string[] arguments, Dictionary<string, string?> environment)
        {
            var merged = new Dictionary<string, string?>(Docker.Environment);
            foreach (var (name, value) in environment)
            {
                merged[name] = value;
            }

            return Task.FromResult(BuildProgram.Run([$"--matrix={Matrix.Path}", "--install-prerequisites=false", .. arguments], merged));
        }

        public void WriteMatrix(object matrix) => File.WriteAllText(Matrix.Path, JsonSerializer.Serialize(matrix));

        public Task<BuildProgram.Result> MatrixWith(object[] images, string repository = "python", object? @base = null)
        {
            WriteMatrix(@base is null ? new { repository, images } : new { repository, @base, images });
            return Program("--target=BuildImage", "--tag-suffix=t1");
        }

        public Task<BuildProgram.Result> EditedBuildspec()
        {
            var buildspecs = Path.Combine(BuildProgram.RepositoryRoot, ".artifacts", "tests", "rejected-" + Guid.NewGuid().ToString("N")[..8]);
            _resources.Add(new Deletion(buildspecs));
            var written = BuildProgram.Run([$"--matrix={Matrix.Path}", "--target=Buildspec", $"--buildspec-dir={buildspecs}"]);
            Assert.That(written.ExitCode, Is.EqualTo(0), written.ToString());
            var build = Path.Combine(buildspecs, "build.yml");
            File.WriteAllText(build, File.ReadAllText(build).Replace("- ./build.sh", "- touch edited && ./build.sh", StringComparison.Ordinal));
            return Program("--target=LocalBatch", $"--buildspec={buildspecs}/batch.yml", "--registry=127.0.0.1:5000");
        }

        public async Task<BuildProgram.Result> PlainHttpRealm()
        {
            var server = await LoopbackServer.StartAsync(context =>
            {
                context.Response.StatusCode = 401;
                context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"http://{LoopbackServer.Other}:{context.Request.Host.Port}/token\",service=\"registry\"";
                return Task.CompletedTask;
            });
            _asyncResources.Add(server);
            return await Program(
                ["--target=PushManifest", $"--registry={server.RegistryAddress}", "--tag-suffix=t1"],
                new() { ["REGISTRY_USERNAME"] = "builder", ["REGISTRY_PASSWORD"] = "pa55word" });
        }

        public async Task<BuildProgram.Result> PlainHttpProxyEndpoint()
        {
            var aws = await AwsEmulator.StartAsync(AccessKey, SecretKey);
            _asyncResources.Add(aws);
            aws.ProxyEndpoint = "http://ecr-proxy.example:5000";
            return await Program(
                ["--target=PushManifest", "--tag-suffix=t1"],
                new()
                {
                    ["AWS_ACCESS_KEY_ID"] = AccessKey,
                    ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
                    ["AWS_DEFAULT_REGION"] = "us-east-1",
                    ["AWS_ENDPOINT_URL"] = aws.Url.ToString(),
                });
        }

        public void Dispose()
        {
            foreach (var resource in _asyncResources)
            {
                resource.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            _resources.ForEach(r => r.Dispose());
            Matrix.Dispose();
            Docker.Dispose();
        }

        private sealed class Deletion(string directory) : IDisposable
        {
            public void Dispose()
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }
    }
}
