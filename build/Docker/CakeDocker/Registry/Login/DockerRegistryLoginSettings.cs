namespace Cake.Docker;

/// <summary>Cake.Docker's settings of <c>docker login</c>, in its order. Password is a secret property (rendered redacted).</summary>
public sealed class DockerRegistryLoginSettings : AutoToolSettings
{
    /// <summary>Cake.Docker's DockerLogin passes it as <c>--password</c>, on the command line; the build's own
    /// <c>DockerLoginWithPasswordStdin</c> (Build.Docker) writes it to docker's standard input instead.</summary>
    public string Password { get; set; } = null!;

    public bool? PasswordStdin { get; set; }

    public string Username { get; set; } = null!;

    protected override string[] CollectSecretProperties() => [nameof(Password)];
}
