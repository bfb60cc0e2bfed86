using Build.Tests.Support;

namespace Build.Tests.Integration;

/// <summary>The program as a user runs it: bad input fails early and clearly, --dryrun and Cake's options run no docker command.</summary>
[Parallelizable(ParallelScope.None)]
public sealed class CommandLineTests
{
    private TempMatrix _matrix = null!;
    private FakeDocker _docker = null!;

    [SetUp]
    public void SetUp()
    {
        _matrix = TempMatrix.TwoByTwo();
        _docker = new FakeDocker();
    }

    [TearDown]
    public void TearDown()
    {
        _matrix.Dispose();
        _docker.Dispose();
    }

    [TestCase("--arch=sparc", "'sparc'", "amd64, arm64v8")]
    [TestCase("--python-version=9.9", "'9.9'", "3.7, 3.8")]
    [TestCase("--registry=http://127.0.0.1:5000", "'http://127.0.0.1:5000'", "host[:port]")]
    [TestCase("--tag-suffix=bad/suffix", "'bad/suffix'", "letters, digits")]
    public void Should_reject_bad_input_naming_the_value_and_the_valid_ones_before_any_docker_command(string argument, string badValue, string validOnes)
    {
        var result = Run("--target=PushImage", "--registry=127.0.0.1:5000", "--tag-suffix=t1", argument);

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain(badValue).And.Contain(validOnes));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_reject_a_matrix_naming_a_missing_dockerfile()
    {
        File.Delete(Path.Combine(_matrix.Directory, "python3.8.Dockerfile"));

        var result = Run("--target=BuildImage", "--tag-suffix=t1");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("python3.8.Dockerfile' does not exist").And.Contain(_matrix.Path).And.Contain("version 3.8"));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_reject_a_malformed_matrix()
    {
        File.WriteAllText(_matrix.Path, """{ "repository": "python", "images": [ { "version": """);

        var result = Run("--target=BuildImage", "--tag-suffix=t1");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain(_matrix.Path).And.Contain("not valid JSON"));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_give_the_line_and_column_of_a_malformed_matrix()
    {
        File.WriteAllText(_matrix.Path, "{\n  \"repository\": \"python\",\n  \"images\": [ { \"version\" \"3.8\" } ]\n}\n");

        var result = Run("--target=BuildImage", "--tag-suffix=t1");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain($"The image matrix '{_matrix.Path}' is not valid JSON at line 3, column 27"));
        Assert.That(result.Output, Does.Not.Contain("LineNumber").And.Not.Contain("BytePositionInLine"));
    }

    [Test]
    public void Should_say_the_registry_port_is_out_of_range()
    {
        var result = Run("--target=PushImage", "--registry=127.0.0.1:99999", "--tag-suffix=t1");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("--registry '127.0.0.1:99999'").And.Contain("port 99999 is not in 1-65535"));
        Assert.That(result.Output, Does.Not.Contain("scheme").And.Not.Contain("path"));
    }

    [Test]
    public void Should_report_only_that_a_batch_buildspec_is_not_yaml()
    {
        var notYaml = Path.Combine(_matrix.Directory, "notes.md");
        File.WriteAllText(notYaml, "# Notes\n\nSome text: with a colon\nand: another: colon\n");

        var result = Run("--target=CheckBuildspec", $"--buildspec={notYaml}");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("notes.md:4: is not valid YAML").And.Contain("has 1 problem(s)"));
        Assert.That(result.Output, Does.Not.Contain("has no build node").And.Not.Contain("has no manifest node"));
    }

    [Test]
    public void Should_ask_for_a_region_or_a_registry_before_building_what_it_cannot_push()
    {
        var result = Run("--target=PushImage", "--tag-suffix=t1");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("No AWS region for ECR").And.Contain("--registry=host[:port]").And.Contain("REGISTRY"));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_ask_for_aws_credentials_or_a_registry_before_building_what_it_cannot_push()
    {
        var result = BuildProgram.Run([$"--matrix={_matrix.Path}", "--target=PushImage", "--tag-suffix=t1", "--region=eu-west-1"], _docker.Environment);

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("No AWS credentials were found").And.Contain("--registry=host[:port]").And.Contain("REGISTRY"));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_refuse_a_public_registry_without_ecr()
    {
        var result = Run("--target=PushManifest", "--registry=127.0.0.1:5000", "--tag-suffix=t1", "--public-registry=public.ecr.aws/alias");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("--public-registry 'public.ecr.aws/alias' promotes from ECR"));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_reject_an_unknown_tag_immutability()
    {
        var result = Run("--target=PushImage", "--tag-suffix=t1", "--tag-immutability=sometimes");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("'sometimes'").And.Contain("MUTABLE").And.Contain("IMMUTABLE"));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_print_the_build_plan_with_docker_commands_and_run_none_under_dryrun()
    {
        var result = Run("--target=PushImage", "--registry=127.0.0.1:5000", "--tag-suffix=t1", "--arch=arm64v8", "--python-version=3.8", "--dryrun");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("docker build --platform linux/arm64/v8 --file").And.Contain("--tag \"127.0.0.1:5000/python:3.8.t1-arm64v8\""));
        Assert.That(result.Output, Does.Contain("--build-arg \"VERSION=3.8\" --build-arg \"ARCH=arm64v8\" --build-arg \"EXTRA=yes\""));
        Assert.That(result.Output, Does.Contain("docker push \"127.0.0.1:5000/python:3.8.t1-arm64v8\""));
        Assert.That(result.Output, Does.Not.Contain("3.8.t1-amd64").And.Not.Contain("3.7.t1"));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_print_the_manifest_plan_for_every_version_under_dryrun()
    {
        var result = Run("--target=PushManifest", "--registry=127.0.0.1:5000", "--tag-suffix=t1", "--dryrun");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("GET 127.0.0.1:5000/v2/python/manifests/3.7.t1-arm64v8"));
        Assert.That(result.Output, Does.Contain("PUT 127.0.0.1:5000/v2/python/manifests/3.8.t1 ").And.Contain("PUT 127.0.0.1:5000/v2/python/manifests/3.8 "));
        Assert.That(result.Output, Does.Contain("annotate 3.8.t1-arm64v8 as linux/arm64/v8"));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_plan_the_whole_batch_with_publish()
    {
        var result = Run("--target=Publish", "--registry=127.0.0.1:5000", "--tag-suffix=t1", "--dryrun");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("docker build --platform linux/amd64").And.Contain("docker push \"127.0.0.1:5000/python:3.7.t1-arm64v8\""));
        Assert.That(result.Output, Does.Contain("PUT 127.0.0.1:5000/v2/python/manifests/3.7 "));
        Assert.That(result.Output.IndexOf("PushImage:", StringComparison.Ordinal), Is.LessThan(result.Output.IndexOf("PushManifest:", StringComparison.Ordinal)));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [TestCase("dockerfiles/images.json", "3.13", "--build-arg \"VERSION=3.13\"")]
    [TestCase("dockerfiles/legacy.json", "3.8", "(legacy image: Amazon Linux 2 reached end of support on 2026-06-30)")]
    [TestCase("dockerfiles/local.json", "3.11", "--build-arg \"BASE_IMAGE=127.0.0.1:5000/debian-python:bookworm\"")]
    public void Should_plan_the_repositorys_matrices_under_dryrun(string matrix, string version, string expected)
    {
        var result = BuildProgram.Run(
            [$"--matrix={matrix}", "--target=Publish", "--registry=127.0.0.1:5000", "--tag-suffix=t1", "--dryrun"], _docker.Environment);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain($"docker build --platform linux/arm64/v8").And.Contain($"--tag \"127.0.0.1:5000/python:{version}.t1-arm64v8\"").And.Contain(expected));
        Assert.That(result.Output, Does.Contain("TestImage:").And.Contain($"docker run --rm --platform linux/arm64/v8 --network none --pull=never --entrypoint \"sh\" \"127.0.0.1:5000/python:{version}.t1-arm64v8\""));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_show_the_task_graph_with_tree()
    {
        var result = Run("--tree");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("PushManifest").And.Contain("AnnotateArch").And.Contain("CreateManifest").And.Contain("PushImage").And.Contain("BuildImage").And.Contain("Restore"));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_describe_the_tasks()
    {
        var result = Run("--description");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("PushManifest").And.Contain("verifies every platform"));
    }

    [Test]
    public void Should_list_cakes_options_with_help()
    {
        var result = Run("--help");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("--target").And.Contain("--dryrun").And.Contain("--verbosity"));
    }

    [TestCase("--help")]
    [TestCase("-h")]
    public void Should_list_the_builds_own_arguments_with_their_variables_after_cakes_options(string option)
    {
        var result = BuildProgram.Run([option]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var output = result.Output.ReplaceLineEndings("\n");
        var own = output.IndexOf("BUILD ARGUMENTS", StringComparison.Ordinal);
        Assert.That(own, Is.GreaterThan(output.IndexOf("--verbosity", StringComparison.Ordinal)).And.GreaterThan(output.IndexOf("--dryrun", StringComparison.Ordinal)),
            "after Cake's options");
        var table = output[own..];
        Assert.That(table, Does.Contain("--arch=<arch>\n        environment: ARCH\n        default: every arch of the version"));
        Assert.That(table, Does.Contain("--python-version=<v>\n        environment: VERSION\n"));
        Assert.That(table, Does.Contain("--matrix=<file>\n        default: dockerfiles/images.json"));
        Assert.That(table, Does.Contain("--registry=<host[:port]>\n        environment: REGISTRY\n"));
        Assert.That(table, Does.Contain("environment: REGISTRY_USERNAME, REGISTRY_PASSWORD"));
    }

    [Test]
    public void Should_name_the_ways_to_build_the_program_when_build_program_is_unknown()
    {
        var result = BuildProgram.Run(["--description"], new Dictionary<string, string?> { ["BUILD_PROGRAM"] = "aot" });

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Output, Does.Contain("BUILD_PROGRAM='aot'").And.Contain("composite or plain"));
    }

    [Test]
    public void Should_fail_on_an_unknown_target()
    {
        var result = Run("--target=Deploy", "--tag-suffix=t1");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("Deploy"));
        Assert.That(_docker.Calls, Is.Empty);
    }

    [Test]
    public void Should_not_start_a_second_docker_engine_beside_a_running_one()
    {
        // The fake docker gets no answer (nor does the engine's API at DOCKER_HOST), but the machine's real dockerd
        // runs: say so rather than start another.
        var result = BuildProgram.Run(
            [$"--matrix={_matrix.Path}", "--target=BuildImage", "--tag-suffix=t1", "--arch=amd64", "--python-version=3.7", "--install-prerequisites"],
            new Dictionary<string, string?>(_docker.Environment) { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" });

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain("A dockerd is running, but `docker version` gets no answer").And.Contain("DOCKER_HOST"));
        Assert.That(_docker.Calls, Has.Count.EqualTo(1).And.All.StartWith("version"));
    }

    [Test]
    public void Should_start_a_loopback_registry_when_none_answers_and_it_may()
    {
        var port = Registry.LocalRegistry.FreePort();
        var cache = Directory.CreateTempSubdirectory("images-cache-").FullName;
        try
        {
            var result = BuildProgram.Run(
                [$"--matrix={_matrix.Path}", "--target=PushManifest", $"--registry=127.0.0.1:{port}", "--tag-suffix=t1", "--install-prerequisites"],
                new Dictionary<string, string?>(_docker.Environment) { ["PYTHON_IMAGES_CACHE"] = cache });

            // The registry is new and empty, so the manifest node then fails, naming what is missing.
            Assert.That(result.Output, Does.Contain($"Started a registry on 127.0.0.1:{port}"), result.ToString());
            Assert.That(result.Output, Does.Contain($"127.0.0.1:{port}/python:3.7.t1-amd64"));
            Assert.That(result.ExitCode, Is.Not.EqualTo(0));
            var config = File.ReadAllText(Path.Combine(cache, $"registry-{port}", "config.yml"));
            Assert.That(config, Does.Contain($"addr: 127.0.0.1:{port}"), "a registry the build starts listens on the loopback address only");
            using var http = new HttpClient();
            Assert.That(http.GetAsync($"http://127.0.0.1:{port}/v2/").Result.IsSuccessStatusCode, Is.True);
        }
        finally
        {
            Shell.Run("pkill", "-f", $"registry-{port}/config.yml");
            Directory.Delete(cache, recursive: true);
        }
    }

    [Test]
    public void Should_say_what_to_start_when_no_registry_answers_and_it_may_not()
    {
        var port = Registry.LocalRegistry.FreePort();

        var result = Run("--target=PushManifest", $"--registry=127.0.0.1:{port}", "--tag-suffix=t1", "--install-prerequisites=false");

        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Output, Does.Contain($"start a registry at 127.0.0.1:{port}").And.Contain("docker-registry serve"));
    }

    private BuildProgram.Result Run(params string[] arguments) =>
        BuildProgram.Run([$"--matrix={_matrix.Path}", .. arguments], _docker.Environment);
}
