namespace Build.Docker.Config;

/// <summary>
/// A login docker holds for a registry: a user and password, or an identity token (docker's <c>identitytoken</c>, an
/// OAuth2 refresh token; a helper's user <c>&lt;token&gt;</c>). <see cref="Source"/> says where it was found; never the secret.
/// </summary>
public sealed record DockerAuth(string Username, string Password, string? IdentityToken, string Source)
{
    public override string ToString() => $"DockerAuth {{ Username = {Username}, Source = {Source} }}";
}
