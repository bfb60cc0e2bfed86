using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.IO;
using Spectre.Console.Cli;

namespace Cake.Frosting.Internal;

// Cake's configuration as Cake.Frosting builds it: UseCakeSetting values, then CAKE_* variables, then cake.config of
// the working directory, then the remaining arguments as Spectre parsed them. Resolved after the working directory is set.
internal sealed class FrostingConfiguration : ICakeConfiguration
{
    private readonly ICakeConfiguration _configuration;

    public FrostingConfiguration(
        IEnumerable<FrostingConfigurationValue> values, IFileSystem fileSystem, ICakeEnvironment environment, IRemainingArguments remaining)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values)
        {
            settings[value.Key] = value.Value;
        }

        var arguments = remaining.Parsed.ToDictionary(x => x.Key, x => x.FirstOrDefault() ?? string.Empty);
        _configuration = new CakeConfigurationProvider(fileSystem, environment)
            .CreateConfiguration(environment.WorkingDirectory, settings, arguments);
    }

    public string GetValue(string key) => _configuration.GetValue(key);
}
