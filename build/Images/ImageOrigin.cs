namespace Build.Images;

/// <summary>What an image's OCI labels say about where it comes from: the commit, the (credential-free) remote and the created time.</summary>
public sealed record ImageOrigin(string? Revision, string? RepositoryUrl, DateTime Created);
