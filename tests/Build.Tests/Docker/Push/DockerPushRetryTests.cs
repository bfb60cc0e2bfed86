using Build.Docker.Push;
using Build.Http;
using Build.Registry;
using Cake.Core;

namespace Build.Tests.Docker.Push;

[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public class DockerPushRetryTests
{
    private static readonly RetryPolicy ThreeAttempts = RetryPolicy.Default.WithMaxAttempts(3);
    private readonly List<string> _retries = [];
    private readonly List<TimeSpan> _waits = [];

    [TestCase("received unexpected HTTP status: 503 Service Unavailable", "503 Service Unavailable")]
    [TestCase("Put \"http://127.0.0.1:5000/v2/python/blobs/uploads/x\": read tcp 127.0.0.1:1->127.0.0.1:5000: read: connection reset by peer", "connection reset")]
    [TestCase("toomanyrequests: Rate exceeded", "toomanyrequests")]
    public void Should_rerun_docker_push_after_a_transient_failure(string dockerError, string reason)
    {
        var attempts = 0;

        Run(() => { if (++attempts == 1) { throw new CakeException($"Pushing x failed (docker push x exited with 1): {dockerError}"); } });

        Assert.That(attempts, Is.EqualTo(2));
        Assert.That(_retries.Single(), Does.StartWith($"docker push 127.0.0.1:5000/python:3.8.t1-amd64: attempt 1 of 3 failed ({reason}); retrying in "));
    }

    [Test]
    public void Should_not_rerun_a_push_the_registry_denied()
    {
        var attempts = 0;

        Assert.That(
            () => Run(() => { attempts++; throw new CakeException("Pushing x failed (docker push x exited with 1): denied: requested access to the resource is denied"); }),
            Throws.TypeOf<CakeException>().With.Message.Contains("denied"));
        Assert.That(attempts, Is.EqualTo(1));
        Assert.That(_retries, Is.Empty);
    }

    [Test]
    public void Should_give_up_after_the_bound_naming_the_reason()
    {
        var attempts = 0;

        Assert.That(
            () => Run(() => { attempts++; throw new CakeException("Pushing x failed (docker push x exited with 1): received unexpected HTTP status: 502 Bad Gateway"); }),
            Throws.TypeOf<CakeException>().With.Message.StartsWith("Gave up pushing 127.0.0.1:5000/python:3.8.t1-amd64 after 3 attempts (502 Bad Gateway): "));
        Assert.That(attempts, Is.EqualTo(3));
        Assert.That(_waits, Has.Count.EqualTo(2));
    }

    [TestCase(null, "The registry kept failing; retry later.")]
    [TestCase("raise --retries", "The registry kept failing; retry later, or raise --retries.")]
    public void Should_end_the_give_up_message_with_the_advice_the_policy_carries(string? moreAttempts, string ending)
    {
        var policy = ThreeAttempts with { MoreAttempts = moreAttempts };

        Assert.That(
            () => DockerPushRetry.Run("x", () => throw new CakeException("docker push x exited with 1: 502 Bad Gateway"), policy, _retries.Add, _waits.Add),
            Throws.TypeOf<CakeException>().With.Message.EndsWith(ending));
    }

    private void Run(Action push) => DockerPushRetry.Run("127.0.0.1:5000/python:3.8.t1-amd64", push, ThreeAttempts, _retries.Add, _waits.Add);
}
