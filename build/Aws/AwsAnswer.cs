namespace Build.Aws;

/// <summary>An AWS answer: the body, and the error when the call failed with a non-transient error.</summary>
public sealed record AwsAnswer(string Body, AwsError? Error)
{
    public override string ToString() => Error is null ? "AwsAnswer { ok }" : $"AwsAnswer {{ {Error} }}";
}
