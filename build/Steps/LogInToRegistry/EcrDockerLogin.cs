using Build.Aws;

namespace Build.Steps.LogInToRegistry;

/// <summary>
/// ECR mode's docker login: with the registry token of <paramref name="tokens"/>, and again before a push when the
/// token was renewed since (a run that outlives a 12-hour token).
/// </summary>
public sealed class EcrDockerLogin(EcrTokenCache tokens, IDockerLogin docker, string registry)
{
    private EcrToken? _loggedInWith;

    /// <summary>The token docker is logged in with, or null before <see cref="LoginAsync"/>.</summary>
    public EcrToken? LoggedInWith => _loggedInWith;

    public async Task LoginAsync()
    {
        var token = await tokens.GetAsync();
        docker.Login(registry, token.Credentials);
        _loggedInWith = token;
    }

    /// <summary>Logs docker in again when the cached token was renewed since the last login; nothing before the first.</summary>
    public async Task RefreshAsync()
    {
        var token = await tokens.GetAsync();
        if (_loggedInWith is not null && !ReferenceEquals(token, _loggedInWith))
        {
            docker.Login(registry, token.Credentials);
            _loggedInWith = token;
        }
    }
}
