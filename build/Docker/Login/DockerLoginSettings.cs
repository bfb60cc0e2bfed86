namespace Build.Docker.Login;

/// <summary>Settings of <c>docker login</c>. The password goes through standard input, never the argument list.</summary>
public sealed class DockerLoginSettings : DockerSettings
{
    public required string Username { get; init; }

    public required string Password { get; init; }

    public override string ToString() => $"{Username}@*** (password redacted)";
}
