namespace Build.Aws;

/// <summary>An ECR repository's imageTagMutability.</summary>
public enum TagMutability
{
    Mutable,
    Immutable,
}
