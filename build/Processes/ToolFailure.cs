using System.Text.RegularExpressions;

namespace Build.Processes;

/// <summary>
/// The error of a failed external tool (mmdebstrap, apt-get, dockerd...) as a user can act on it: the command, its exit
/// code, its last meaningful output lines and how to fix it, instead of Cake's bare "Process returned an error".
/// </summary>
public static partial class ToolFailure
{
    /// <summary>How many lines of the tool's output the error keeps.</summary>
    public const int Lines = 6;

    /// <summary>
    /// The lines that say what went wrong: the tool's error lines ("E: ...", "error ...") when it printed any, else its
    /// last non-blank lines. Progress and info lines ("I: ...") are left out.
    /// </summary>
    public static IReadOnlyList<string> MeaningfulLines(IEnumerable<string> output, int count = Lines)
    {
        var lines = output.Select(l => l.TrimEnd()).Where(l => l.Trim().Length > 0 && !l.StartsWith("I: ", StringComparison.Ordinal)).ToList();
        var errors = lines.Where(l => ErrorLine().IsMatch(l)).Distinct().ToList();
        return (errors.Count > 0 ? errors : lines).TakeLast(count).ToList();
    }

    public static string Describe(string command, int exitCode, IEnumerable<string> output, string fix)
    {
        var lines = MeaningfulLines(output);
        var said = lines.Count > 0 ? ":" + string.Concat(lines.Select(l => Environment.NewLine + "  " + l)) : " and printed nothing.";
        return $"`{command}` failed (exit {exitCode}){said}{Environment.NewLine}{fix}";
    }

    /// <summary>A bounded buffer of a tool's latest output lines (a long run prints thousands).</summary>
    public sealed class Tail(int capacity = 200)
    {
        private readonly Queue<string> _lines = new();

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > capacity)
                {
                    _lines.Dequeue();
                }
            }
        }

        public static Tail OfFile(string path, int capacity = 200)
        {
            var tail = new Tail(capacity);
            try
            {
                foreach (var line in File.ReadLines(path))
                {
                    tail.Add(line);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            return tail;
        }
    }

    [GeneratedRegex(@"^(E:|W: Failure|error|fatal|failed|.*level=(error|fatal))", RegexOptions.IgnoreCase)]
    private static partial Regex ErrorLine();
}
