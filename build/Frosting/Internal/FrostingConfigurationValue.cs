namespace Cake.Frosting.Internal;

// Registered by UseCakeSetting; the base of the configuration, under cake.config and the command line.
internal sealed record FrostingConfigurationValue(string Key, string Value)
{
    // Cake's setting for the tools folder (Cake.Core's internal Constants.Paths.Tools).
    public const string ToolsPathKey = "Paths_Tools";
}
