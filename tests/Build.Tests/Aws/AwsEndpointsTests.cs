using Build.Aws;
using Cake.Core;

namespace Build.Tests.Aws;

public sealed class AwsEndpointsTests
{
    [Test]
    public void Should_use_the_public_host_of_the_region_without_overrides()
    {
        Assert.That(AwsEndpoints.Resolve(AwsService.Ecr, "eu-west-1", _ => null), Is.EqualTo(new Uri("https://api.ecr.eu-west-1.amazonaws.com/")));
        Assert.That(AwsEndpoints.Resolve(AwsService.Sts, "eu-west-1", _ => null), Is.EqualTo(new Uri("https://sts.eu-west-1.amazonaws.com/")));
    }

    [Test]
    public void Should_use_us_east_1_for_ecr_public_whatever_the_region()
    {
        Assert.That(AwsEndpoints.Resolve(AwsService.EcrPublic, "eu-west-1", _ => null), Is.EqualTo(new Uri("https://api.ecr-public.us-east-1.amazonaws.com/")));
    }

    [Test]
    public void Should_prefer_the_service_variable_to_the_global_one()
    {
        var environment = new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1", ["AWS_ENDPOINT_URL_ECR"] = "http://127.0.0.1:2" };

        Assert.That(AwsEndpoints.Resolve(AwsService.Ecr, "eu-west-1", environment.GetValueOrDefault), Is.EqualTo(new Uri("http://127.0.0.1:2/")));
        Assert.That(AwsEndpoints.Resolve(AwsService.Sts, "eu-west-1", environment.GetValueOrDefault), Is.EqualTo(new Uri("http://127.0.0.1:1/")));
    }

    [Test]
    public void Should_read_the_ecr_public_and_sts_variables()
    {
        var environment = new Dictionary<string, string> { ["AWS_ENDPOINT_URL_ECR_PUBLIC"] = "http://127.0.0.1:3", ["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:4" };

        Assert.That(AwsEndpoints.Resolve(AwsService.EcrPublic, "eu-west-1", environment.GetValueOrDefault), Is.EqualTo(new Uri("http://127.0.0.1:3/")));
        Assert.That(AwsEndpoints.Resolve(AwsService.Sts, "eu-west-1", environment.GetValueOrDefault), Is.EqualTo(new Uri("http://127.0.0.1:4/")));
    }

    [Test]
    public void Should_ignore_the_variables_when_told_to()
    {
        var environment = new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1", ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true" };

        Assert.That(AwsEndpoints.Resolve(AwsService.Ecr, "eu-west-1", environment.GetValueOrDefault), Is.EqualTo(new Uri("https://api.ecr.eu-west-1.amazonaws.com/")));
    }

    [Test]
    public void Should_name_the_variable_of_a_malformed_endpoint()
    {
        var environment = new Dictionary<string, string> { ["AWS_ENDPOINT_URL_ECR"] = "127.0.0.1:2" };

        var error = Assert.Throws<CakeException>(() => AwsEndpoints.Resolve(AwsService.Ecr, "eu-west-1", environment.GetValueOrDefault));
        Assert.That(error!.Message, Does.Contain("AWS_ENDPOINT_URL_ECR '127.0.0.1:2'"));
    }

    [TestCase("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "123456789012", "eu-west-1")]
    [TestCase("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", "123456789012", "cn-north-1")]
    public void Should_read_account_and_region_from_an_ecr_host(string host, string account, string region)
    {
        Assert.That(EcrRegistryHost.TryParse(host), Is.EqualTo(new EcrRegistryHost(account, region)));
    }

    [TestCase("127.0.0.1:5000")]
    [TestCase("public.ecr.aws")]
    [TestCase("12345.dkr.ecr.eu-west-1.amazonaws.com")]
    public void Should_not_take_other_hosts_for_ecr(string host)
    {
        Assert.That(EcrRegistryHost.TryParse(host), Is.Null);
    }

    [Test]
    public void Should_take_the_region_from_the_argument_then_aws_region_then_aws_default_region()
    {
        var environment = new Dictionary<string, string> { ["AWS_REGION"] = "eu-west-1", ["AWS_DEFAULT_REGION"] = "eu-west-2" };

        Assert.That(AwsSettings.ResolveRegion("ap-south-1", null, environment.GetValueOrDefault), Is.EqualTo("ap-south-1"));
        Assert.That(AwsSettings.ResolveRegion(null, null, environment.GetValueOrDefault), Is.EqualTo("eu-west-1"));
        Assert.That(AwsSettings.ResolveRegion(null, null, new Dictionary<string, string> { ["AWS_DEFAULT_REGION"] = "eu-west-2" }.GetValueOrDefault), Is.EqualTo("eu-west-2"));
        Assert.That(AwsSettings.ResolveRegion(null, "us-west-2", environment.GetValueOrDefault), Is.EqualTo("us-west-2"));
    }

    [Test]
    public void Should_refuse_a_region_that_contradicts_the_ecr_host()
    {
        var error = Assert.Throws<CakeException>(() => AwsSettings.ResolveRegion("eu-west-1", "us-west-2", _ => null));

        Assert.That(error!.Message, Does.Contain("'eu-west-1'").And.Contain("'us-west-2'"));
    }

    [Test]
    public void Should_name_the_repository_that_does_not_exist()
    {
        var error = AwsErrors.Explain(AwsService.Ecr, "BatchGetImage", "team/python",
            new AwsError(System.Net.HttpStatusCode.BadRequest, "RepositoryNotFoundException", "The repository with name 'team/python' does not exist", null));

        Assert.That(error.Message, Does.Contain("the repository team/python does not exist"));
    }
}
