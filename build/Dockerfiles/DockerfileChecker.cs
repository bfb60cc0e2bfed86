using System.Text.RegularExpressions;

namespace Build.Dockerfiles;

/// <summary>
/// Static checks a reviewer would make of a Dockerfile: every build arg it uses is declared, no base is `latest`
/// (or untagged), and nothing pipes a download into a shell or interpreter.
/// </summary>
public static partial class DockerfileChecker
{
    // Set by the builder or the shell in every RUN; not build args.
    private static readonly HashSet<string> Predefined = new(StringComparer.Ordinal)
    {
        "PATH", "HOME", "PWD", "HOSTNAME", "SHELL", "USER", "TERM", "IFS",
        "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY",
    };

    /// <summary>
    /// Problems as "file:line: message". <paramref name="buildArgs"/> are the values a matrix entry passes, used to
    /// resolve the base image.
    /// </summary>
    public static IReadOnlyList<string> Check(string file, string text, IReadOnlyDictionary<string, string> buildArgs)
    {
        var problems = new List<string>();
        var instructions = DockerfileInstruction.Parse(text);
        var globalArgs = new Dictionary<string, string?>(StringComparer.Ordinal);
        var stageNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Dictionary<string, string?>? stage = null;

        foreach (var instruction in instructions)
        {
            void Problem(string message) => problems.Add($"{file}:{instruction.Line}: {message}");

            switch (instruction.Keyword)
            {
                case "ARG":
                    var (name, value) = SplitArg(instruction.Arguments);
                    (stage ?? globalArgs)[name] = stage is not null && value is null && globalArgs.TryGetValue(name, out var global) ? global : value;
                    break;

                case "FROM":
                    var parts = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToList();
                    var image = parts.FirstOrDefault() ?? string.Empty;
                    foreach (var used in UsedVariables(image).Where(v => !globalArgs.ContainsKey(v)))
                    {
                        Problem($"FROM uses ${{{used}}}, but no ARG {used} is declared before the first FROM");
                    }

                    CheckBase(image, globalArgs, buildArgs, stageNames, Problem);
                    if (parts.Count >= 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase))
                    {
                        stageNames.Add(parts[2]);
                    }

                    stage = new Dictionary<string, string?>(StringComparer.Ordinal);
                    break;

                case "ENV":
                    foreach (Match assignment in EnvAssignment().Matches(instruction.Arguments))
                    {
                        stage?.TryAdd(assignment.Groups[1].Value, null);
                    }

                    CheckUsed(instruction, stage, Problem);
                    break;

                case "RUN":
                    CheckUsed(instruction, stage, Problem, assignedInLine: ShellAssignment().Matches(instruction.Arguments).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToHashSet(StringComparer.Ordinal));
                    if (PipedDownload().IsMatch(instruction.Arguments) || ShellOfDownload().IsMatch(instruction.Arguments))
                    {
                        Problem("pipes a download into a shell or interpreter; download to a file, verify its checksum, then run it (or use the distribution's package)");
                    }

                    break;

                default:
                    CheckUsed(instruction, stage, Problem);
                    break;
            }
        }

        return problems;
    }

    /// <summary>
    /// The images the Dockerfile's stages start FROM, with ARG defaults declared before the first FROM and
    /// <paramref name="buildArgs"/> substituted; stages built from earlier stages and <c>scratch</c> are left out.
    /// A base that still holds a variable is returned as is.
    /// </summary>
    public static IReadOnlyList<string> Bases(string text, IReadOnlyDictionary<string, string> buildArgs)
    {
        var bases = new List<string>();
        var globalArgs = new Dictionary<string, string?>(StringComparer.Ordinal);
        var stageNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var inStage = false;
        foreach (var instruction in DockerfileInstruction.Parse(text))
        {
            if (instruction.Keyword == "ARG" && !inStage)
            {
                var (name, value) = SplitArg(instruction.Arguments);
                globalArgs[name] = value is null ? null : Resolve(value, globalArgs, buildArgs);
            }
            else if (instruction.Keyword == "FROM")
            {
                inStage = true;
                var parts = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToList();
                var image = Resolve(parts.FirstOrDefault() ?? string.Empty, globalArgs, buildArgs);
                if (!image.Equals("scratch", StringComparison.OrdinalIgnoreCase) && !stageNames.Contains(image) && image.Length > 0)
                {
                    bases.Add(image);
                }

                if (parts.Count >= 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase))
                {
                    stageNames.Add(parts[2]);
                }
            }
        }

        return bases;
    }

    private static string Resolve(string image, Dictionary<string, string?> globalArgs, IReadOnlyDictionary<string, string> buildArgs) =>
        VariableReference().Replace(image, m =>
        {
            var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value;
            return buildArgs.TryGetValue(name, out var passed) ? passed : globalArgs.GetValueOrDefault(name) ?? m.Value;
        });

    private static void CheckUsed(DockerfileInstruction instruction, Dictionary<string, string?>? stage, Action<string> problem, ISet<string>? assignedInLine = null)
    {
        foreach (var used in UsedVariables(instruction.Arguments).Distinct())
        {
            if (Predefined.Contains(used) || (stage?.ContainsKey(used) ?? false) || (assignedInLine?.Contains(used) ?? false))
            {
                continue;
            }

            // In RUN, lowercase names are the script's own shell variables.
            if (instruction.Keyword == "RUN" && used.Any(char.IsLower))
            {
                continue;
            }

            problem($"{instruction.Keyword} uses ${{{used}}}, but this stage declares no ARG or ENV {used} (an ARG before FROM must be declared again inside the stage)");
        }
    }

    private static void CheckBase(string image, Dictionary<string, string?> globalArgs, IReadOnlyDictionary<string, string> buildArgs, HashSet<string> stageNames, Action<string> problem)
    {
        var resolved = Resolve(image, globalArgs, buildArgs);

        if (resolved.Contains('$', StringComparison.Ordinal))
        {
            problem($"the base '{image}' has no value here: give its ARG a pinned default or pass it from the matrix");
            return;
        }

        if (resolved.Equals("scratch", StringComparison.OrdinalIgnoreCase) || stageNames.Contains(resolved) || resolved.Contains('@', StringComparison.Ordinal))
        {
            return;
        }

        var lastSlash = resolved.LastIndexOf('/');
        var colon = resolved.IndexOf(':', lastSlash + 1);
        var tag = colon < 0 ? null : resolved[(colon + 1)..];
        if (tag is null)
        {
            problem($"the base '{resolved}' has no tag, so it means 'latest': pin a tag or a digest");
        }
        else if (tag.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            problem($"the base '{resolved}' uses 'latest': pin a tag or a digest");
        }
    }

    private static (string Name, string? Value) SplitArg(string arguments)
    {
        var equals = arguments.IndexOf('=');
        return equals < 0 ? (arguments.Trim(), null) : (arguments[..equals].Trim(), arguments[(equals + 1)..].Trim().Trim('"'));
    }

    private static IEnumerable<string> UsedVariables(string text) =>
        VariableReference().Matches(text).Select(m => m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value);

    [GeneratedRegex(@"(?<!\\)\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)(?::[-+][^}]*)?\}|(?<plain>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex EnvAssignment();

    [GeneratedRegex(@"(?:^|[\s;&|(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=|\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b")]
    private static partial Regex ShellAssignment();

    [GeneratedRegex(@"\b(?:curl|wget|fetch)\b[^|;&]*\|\s*(?:sudo\s+)?(?:env\s+)?(?:ba|da|k|z|fi)?sh\b|\b(?:curl|wget)\b[^|;&]*\|\s*(?:sudo\s+)?(?:python[0-9.]*|perl|ruby|node|php)\b")]
    private static partial Regex PipedDownload();

    [GeneratedRegex(@"(?:ba|da|k|z)?sh\s+(?:-c\s+)?[""']?\$\(\s*(?:curl|wget)\b|(?:ba|da|k|z)?sh\s+<\(\s*(?:curl|wget)\b")]
    private static partial Regex ShellOfDownload();
}
