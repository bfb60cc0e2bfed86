namespace Build.Aws;

/// <summary>A repository as DescribeRepositories or CreateRepository answer it.</summary>
public sealed record EcrRepository(string Name, string RegistryId, string? Uri, TagMutability TagMutability)
{
    public bool IsImmutable => TagMutability == TagMutability.Immutable;
}
