using System.Text;
using System.Text.RegularExpressions;

namespace Build.Docker.Build;

/// <summary>
/// The build's labels as one Dockerfile <c>LABEL</c> instruction. The classic builder turns every <c>--label</c> into
/// a LABEL step of its own, and each step starts and commits a container (about 0.15 s apiece); one instruction
/// appended to a copy of the Dockerfile gives the same labels on the last stage in a single step.
/// </summary>
public static partial class LabelInstruction
{
    /// <summary>The instruction, or null when a label cannot be written safely that way (then --label flags are used).</summary>
    public static string? TryRender(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var line = new StringBuilder("LABEL");
        foreach (var (key, value) in labels)
        {
            // Quotes, escapes and $ would be interpreted by the Dockerfile parser (variable expansion, the escape
            // directive); such values go through --label, which takes them literally.
            if (!KeyPattern().IsMatch(key) || value.IndexOfAny(['"', '\\', '`', '$', '\n', '\r']) >= 0)
            {
                return null;
            }

            line.Append(" \"").Append(key).Append("\"=\"").Append(value).Append('"');
        }

        return line.Length > "LABEL".Length ? line.ToString() : null;
    }

    /// <summary>A <c>--label</c> value ("key=value"; "key" alone is an empty value, as docker reads it) as key and value.</summary>
    public static KeyValuePair<string, string> Split(string label) =>
        label.IndexOf('=') is var separator and >= 0 ? new(label[..separator], label[(separator + 1)..]) : new(label, string.Empty);

    /// <summary>The Dockerfile with the instruction appended, or null when its last line continues onto the next.</summary>
    public static string? AppendTo(string dockerfile, string instruction)
    {
        var body = dockerfile.TrimEnd();
        return body.EndsWith('\\') || body.EndsWith('`') ? null : body + "\n" + instruction + "\n";
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]*$")]
    private static partial Regex KeyPattern();
}
