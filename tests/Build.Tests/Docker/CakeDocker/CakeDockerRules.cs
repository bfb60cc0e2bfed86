using System.Globalization;
using System.Text;
using Cake.Core;
using Cake.Core.IO;
using Cake.Docker;

namespace Build.Tests.Docker.CakeDocker;

/// <summary>
/// Cake.Docker's argument rules (src/Cake.Docker/ArgumentsBuilderExtension.cs at <see cref="CakeDockerFacts.Commit"/>),
/// written again here from their description as the oracle for the stand-in: the command, then every property of the
/// settings in Cake.Docker's declaration order, then the positional arguments appended as they are.
/// </summary>
public static class CakeDockerRules
{
    public static ProcessArgumentBuilder Render(string command, AutoToolSettings settings, params string[] positional)
    {
        var builder = new ProcessArgumentBuilder().Append(command);
        foreach (var property in CakeDockerFacts.PropertiesOf(settings.GetType().Name))
        {
            // A property the stand-in leaves out is one the build never sets: Cake.Docker's would be null (or false).
            var value = settings.GetType().GetProperty(property.Name)?.GetValue(settings);
            var name = Kebab(property.Name);
            if (property.TrueDefaultFormat)
            {
                // [AutoProperty(Format = "--{0}={1}")]: any non-null value, false included, unquoted.
                if (value is not null)
                {
                    builder.Append(string.Format(CultureInfo.InvariantCulture, "--{0}={1}", name, value));
                }

                continue;
            }

            var secret = settings.SecretProperties.Contains(property.Name);
            switch (value)
            {
                case true:
                    builder.Append("--" + name);
                    break;
                case string text:
                    AppendString(builder, name, text, secret);
                    break;
                case string[] texts:
                    foreach (var text in texts)
                    {
                        AppendString(builder, name, text, secret);
                    }

                    break;
                case int or long or ulong:
                    // One unquoted "--name value" argument.
                    builder.Append(string.Create(CultureInfo.InvariantCulture, $"--{name} {value}"));
                    break;
            }
        }

        foreach (var argument in positional)
        {
            builder.Append(argument);
        }

        return builder;
    }

    // GetPropertyName: NoCache -> no-cache.
    public static string Kebab(string name)
    {
        var result = new StringBuilder().Append(char.ToLowerInvariant(name[0]));
        foreach (var c in name[1..])
        {
            result.Append(char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString());
        }

        return result.ToString();
    }

    private static void AppendString(ProcessArgumentBuilder builder, string name, string value, bool secret)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        builder.Append("--" + name);
        if (secret)
        {
            builder.AppendQuotedSecret(value);
        }
        else
        {
            builder.AppendQuoted(value);
        }
    }
}
