using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.IO;

namespace Cake.Docker;

public static partial class DockerAliases
{
    [CakeMethodAlias]
    public static void DockerLogin(this ICakeContext context, string username, string password, string? server = null)
    {
        ThrowIfNullOrEmpty(username);
        ThrowIfNullOrEmpty(password);
        DockerLogin(context, new DockerRegistryLoginSettings { Username = username, Password = password }, server);
    }

    [CakeMethodAlias]
    public static void DockerLogin(this ICakeContext context, DockerRegistryLoginSettings settings, string? server = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        new CakeDockerRunner<DockerRegistryLoginSettings>(context).Execute(settings, LoginArguments(settings, server));
    }

    internal static ProcessArgumentBuilder LoginArguments(DockerRegistryLoginSettings settings, string? server) =>
        new ProcessArgumentBuilder().Append("login")
            .Option("password", settings.Password, secret: settings.SecretProperties.Contains(nameof(settings.Password)))
            .Flag("password-stdin", settings.PasswordStdin)
            .Option("username", settings.Username)
            .Positional(server is null ? [] : [server]);
}
