using Build.Aws;
using Cake.Core;

namespace Build.Tests.CodeBuild.Api;

public sealed class CodeBuildClientTests
{
    [TestCase("""{"__type":"com.amazonaws.codebuild#ResourceNotFoundException","message":"Project cannot be found"}""", "ResourceNotFoundException", "Project cannot be found")]
    [TestCase("""{"__type":"InvalidInputException:http://internal.amazon.com/coral/","Message":"bad ids"}""", "InvalidInputException", "bad ids")]
    [TestCase("""{"__type":"ThrottlingException"}""", "ThrottlingException", null)]
    public void Should_read_the_error_code_and_message_of_a_json_1_1_error(string body, string code, string? message)
    {
        Assert.That(AwsError.ParseJson(body), Is.EqualTo((code, message)));
    }

    [Test]
    public void Should_keep_a_body_that_is_not_json_as_the_message()
    {
        Assert.That(AwsError.ParseJson("<html>bad gateway</html>"), Is.EqualTo(((string?)null, "<html>bad gateway</html>")));
    }

    [Test]
    public void Should_prefer_the_codebuild_endpoint_over_the_general_one()
    {
        var environment = Environment(("AWS_REGION", "eu-west-1"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:1/"), ("AWS_ENDPOINT_URL_CODEBUILD", "http://127.0.0.1:2/"));

        var (url, region) = Resolve(environment);

        Assert.That((url.ToString(), region), Is.EqualTo(("http://127.0.0.1:2/", "eu-west-1")));
    }

    [Test]
    public void Should_use_the_public_endpoint_when_configured_endpoints_are_ignored()
    {
        var environment = Environment(("AWS_DEFAULT_REGION", "us-west-2"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:1/"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));

        var (url, region) = Resolve(environment);

        Assert.That((url.ToString(), region), Is.EqualTo(("https://codebuild.us-west-2.amazonaws.com/", "us-west-2")));
    }

    [Test]
    public void Should_reject_an_endpoint_that_is_not_a_url()
    {
        var error = Assert.Throws<CakeException>(() => Resolve(Environment(("AWS_REGION", "eu-west-1"), ("AWS_ENDPOINT_URL_CODEBUILD", "127.0.0.1:4566"))))!;

        Assert.That(error.Message, Does.Contain("'127.0.0.1:4566'").And.Contain("http://"));
    }

    // As CodeBuildClient.Connect resolves them: the region, then the endpoint of the CodeBuild service in it.
    private static (Uri Url, string Region) Resolve(Func<string, string?> environment)
    {
        var region = AwsSettings.ResolveRegion(regionArgument: null, hostRegion: null, environment)!;
        return (AwsEndpoints.Resolve(AwsService.CodeBuild, region, environment), region);
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value).GetValueOrDefault;
}
