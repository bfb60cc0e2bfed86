namespace Build.Dockerfiles;

/// <summary>One Dockerfile instruction with its continuation lines joined, and the line it starts on.</summary>
public sealed record DockerfileInstruction(int Line, string Keyword, string Arguments)
{
    public static IReadOnlyList<DockerfileInstruction> Parse(string text)
    {
        var instructions = new List<DockerfileInstruction>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var start = i + 1;
            var joined = line;
            while (joined.EndsWith('\\') && i + 1 < lines.Length)
            {
                var next = lines[++i].Trim();
                joined = joined[..^1] + " " + (next.StartsWith('#') ? string.Empty : next);
            }

            var space = joined.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? joined : joined[..space]).ToUpperInvariant();
            instructions.Add(new DockerfileInstruction(start, keyword, space < 0 ? string.Empty : joined[(space + 1)..].Trim()));
        }

        return instructions;
    }
}
