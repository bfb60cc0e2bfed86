using Cake.Core;
using Cake.Core.IO;

namespace Cake.Docker;

/// <summary>
/// Cake.Docker's rendering of one settings property (its ArgumentsBuilderExtension), hand-written per property:
/// the flag is the property name in kebab case; a true bool is the bare flag; a string is the flag and the value
/// quoted (redacted when secret); a string[] repeats that per value; null, false and "" render nothing. Properties
/// render in the settings class's declaration order, after the command and before its positional arguments.
/// </summary>
internal static class CakeDockerArguments
{
    public static ProcessArgumentBuilder Flag(this ProcessArgumentBuilder builder, string name, bool? value) =>
        value == true ? builder.Append("--" + name) : builder;

    public static ProcessArgumentBuilder Option(this ProcessArgumentBuilder builder, string name, string? value, bool secret = false)
    {
        if (string.IsNullOrEmpty(value))
        {
            return builder;
        }

        builder.Append("--" + name);
        return secret ? builder.AppendQuotedSecret(value) : builder.AppendQuoted(value);
    }

    public static ProcessArgumentBuilder Options(this ProcessArgumentBuilder builder, string name, string[]? values)
    {
        foreach (var value in values ?? [])
        {
            builder.Option(name, value);
        }

        return builder;
    }

    /// <summary>Positional arguments, as Cake.Docker appends them: unquoted.</summary>
    public static ProcessArgumentBuilder Positional(this ProcessArgumentBuilder builder, params IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            builder.Append(value);
        }

        return builder;
    }
}
