using Build.Registry;
using Cake.Core;

namespace Build.Context;

/// <summary>The one place that reads registry credentials (a plain registry; ECR tokens come from the AWS API).</summary>
public static class RegistryCredentialsReader
{
    public static RegistryCredentials? Read(ICakeEnvironment environment)
    {
        var username = environment.GetEnvironmentVariable(EnvVars.RegistryUsername);
        var password = environment.GetEnvironmentVariable(EnvVars.RegistryPassword);
        if (string.IsNullOrEmpty(username) && string.IsNullOrEmpty(password))
        {
            return null;
        }

        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            throw new CakeException(
                $"Registry credentials are half set: set both {EnvVars.RegistryUsername} and {EnvVars.RegistryPassword}, or neither for an anonymous registry.");
        }

        return new RegistryCredentials(username, password);
    }
}
