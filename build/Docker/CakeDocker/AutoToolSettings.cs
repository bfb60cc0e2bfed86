using Cake.Core.Tooling;

namespace Cake.Docker;

/// <summary>Base of Cake.Docker's settings: a property named in <see cref="SecretProperties"/> renders redacted.</summary>
public abstract class AutoToolSettings : ToolSettings
{
    protected AutoToolSettings() => SecretProperties = new HashSet<string>(CollectSecretProperties() ?? []);

    public readonly HashSet<string> SecretProperties;

    protected virtual string[]? CollectSecretProperties() => null;
}
