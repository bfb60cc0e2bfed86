using Build.Registry;

namespace Build.Steps.LogInToRegistry;

/// <summary>`docker login` for the tasks that push: the one seam the login steps need, so their branches test without docker.</summary>
public interface IDockerLogin
{
    void Login(string registry, RegistryCredentials credentials);
}
