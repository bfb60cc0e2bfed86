using System.Text;
using System.Text.RegularExpressions;

namespace Build.Images.Inputs;

/// <summary>
/// The build-context files docker sends, as <c>.dockerignore</c> selects them: patterns relative to the context root,
/// <c>*</c>, <c>?</c> and <c>**</c> wildcards, <c>!</c> exceptions, the last matching line wins, and a pattern that
/// matches a folder excludes what is under it.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclude)> _rules;

    private DockerIgnore(List<(Regex Pattern, bool Exclude)> rules) => _rules = rules;

    public static DockerIgnore Parse(string? text)
    {
        var rules = new List<(Regex, bool)>();
        foreach (var raw in (text ?? string.Empty).Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exclude = !line.StartsWith('!');
            var pattern = (exclude ? line : line[1..].Trim()).Replace('\\', '/').Trim('/');
            while (pattern.StartsWith("./", StringComparison.Ordinal))
            {
                pattern = pattern[2..];
            }

            if (pattern.Length > 0)
            {
                rules.Add((new Regex("^" + ToRegex(pattern) + "$", RegexOptions.CultureInvariant), exclude));
            }
        }

        return new DockerIgnore(rules);
    }

    /// <summary>Whether <paramref name="relativePath"/> (with '/' separators) is left out of the context.</summary>
    public bool Excludes(string relativePath)
    {
        var excluded = false;
        foreach (var (pattern, exclude) in _rules)
        {
            if (Matches(pattern, relativePath))
            {
                excluded = exclude;
            }
        }

        return excluded;
    }

    /// <summary>Every file of <paramref name="contextDirectory"/> docker would send, as sorted relative paths.</summary>
    public static IReadOnlyList<string> ContextFiles(string contextDirectory)
    {
        var ignoreFile = Path.Combine(contextDirectory, ".dockerignore");
        var ignore = Parse(File.Exists(ignoreFile) ? File.ReadAllText(ignoreFile) : null);
        return Directory.EnumerateFiles(contextDirectory, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(contextDirectory, file).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(file => !ignore.Excludes(file))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    // A path matches when it or one of its parent folders matches.
    private static bool Matches(Regex pattern, string path)
    {
        for (var end = path.Length; end > 0; end = path.LastIndexOf('/', end - 1))
        {
            if (pattern.IsMatch(path[..end]))
            {
                return true;
            }
        }

        return false;
    }

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches any number of folders, including none; a trailing "**" anything.
                var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }

        return regex.ToString();
    }
}
