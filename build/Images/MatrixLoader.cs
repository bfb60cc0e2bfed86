using System.Text.Json;
using System.Text.RegularExpressions;
using Build.Registry;
using Cake.Core;

namespace Build.Images;

/// <summary>
/// Reads and validates the image matrix. Every error names the file, the entry and the bad value,
/// so a typo in a buildspec's matrix is fixed without reading code.
/// </summary>
public static partial class MatrixLoader
{
    public static ImageMatrix Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new CakeException($"The image matrix '{fullPath}' does not exist. Pass --matrix=<file> (default dockerfiles/images.json, relative to the repository root).");
        }

        JsonDocument document;
        var text = File.ReadAllText(fullPath);
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new CakeException($"The image matrix '{fullPath}' is not valid JSON{Position(text, ex)}: {JsonPosition().Replace(ex.Message, "")}");
        }

        using (document)
        {
            return Read(fullPath, document.RootElement);
        }
    }

    private static ImageMatrix Read(string file, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Error(file, "the top level", $"must be an object with \"repository\" and \"images\", not {root.ValueKind}");
        }

        var repository = RequiredString(file, "the top level", root, "repository");
        if (!ImageReference.IsRepositoryName(repository))
        {
            throw Error(file, "the top level", $"\"repository\" '{repository}' is not a valid repository name (lowercase letters, digits and . _ - / separators)");
        }

        if (!root.TryGetProperty("images", out var images) || images.ValueKind != JsonValueKind.Array || images.GetArrayLength() == 0)
        {
            throw Error(file, "the top level", "needs \"images\": a non-empty array of { \"version\", \"dockerfile\", \"architectures\" }");
        }

        var entries = new List<ImageEntry>();
        var index = 0;
        foreach (var image in images.EnumerateArray())
        {
            var entry = ReadEntry(file, index++, image);
            if (entries.Any(e => e.Version == entry.Version))
            {
                throw Error(file, $"images[{index - 1}]", $"version '{entry.Version}' is listed twice; each version has one entry");
            }

            entries.Add(entry);
        }

        return new ImageMatrix(file, repository, entries, ReadBase(file, root));
    }

    private static BaseImageSpec? ReadBase(string file, JsonElement root)
    {
        if (!root.TryGetProperty("base", out var spec) || spec.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        const string where = "\"base\"";
        if (spec.ValueKind != JsonValueKind.Object)
        {
            throw Error(file, where, "must be an object { \"repository\", \"tag\", \"suite\", \"packages\" }");
        }

        var repository = RequiredString(file, where, spec, "repository");
        if (!ImageReference.IsRepositoryName(repository))
        {
            throw Error(file, where, $"repository '{repository}' is not a valid repository name");
        }

        var tag = RequiredString(file, where, spec, "tag");
        if (!ImageTags.IsTagComponent(tag) || tag == "latest")
        {
            throw Error(file, where, $"tag '{tag}' must be a tag other than 'latest' (letters, digits, '.', '_', '-')");
        }

        // mmdebstrap runs as root with the suite as an argument, and the suite names the cache file: a name, nothing else.
        var suite = RequiredString(file, where, spec, "suite");
        if (!DebianSuite().IsMatch(suite))
        {
            throw Error(file, where, $"suite '{suite}' is not a Debian suite name (lowercase letters, digits and '-', starting with a letter, e.g. bookworm, trixie, bookworm-backports)");
        }

        var packages = spec.TryGetProperty("packages", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(p => p.GetString() ?? string.Empty).ToList()
            : throw Error(file, where, "needs \"packages\": the Debian packages to include, e.g. [\"python3\", \"python3-pip\"]");
        if (packages.Any(p => !DebianPackage().IsMatch(p)))
        {
            throw Error(file, where, $"packages must be Debian package names; got {string.Join(", ", packages.Select(p => $"'{p}'"))}");
        }

        return new BaseImageSpec(repository, tag, suite, packages);
    }

    private static ImageEntry ReadEntry(string file, int index, JsonElement image)
    {
        var where = $"images[{index}]";
        if (image.ValueKind != JsonValueKind.Object)
        {
            throw Error(file, where, $"must be an object, not {image.ValueKind}");
        }

        var version = RequiredString(file, where, image, "version");
        where = $"images[{index}] (version {version})";
        if (!ImageTags.IsTagComponent(version))
        {
            throw Error(file, where, $"version '{version}' cannot be part of an image tag (letters, digits, '.', '_', '-')");
        }

        var dockerfile = RequiredString(file, where, image, "dockerfile");
        var folder = Path.GetDirectoryName(file)!;
        var dockerfilePath = Path.GetFullPath(Path.Combine(folder, dockerfile));
        if (!IsInside(folder, dockerfilePath))
        {
            throw Error(file, where, OutsideFolder(dockerfile, folder));
        }

        if (!File.Exists(dockerfilePath))
        {
            throw Error(file, where, $"dockerfile '{dockerfile}' does not exist (looked for {dockerfilePath}; paths are relative to the matrix file's folder)");
        }

        // Symbolic links are followed as docker follows them: the real Dockerfile and context must be inside too.
        var realFolder = RealPath(folder);
        if (realFolder is null || RealPath(dockerfilePath) is not { } realDockerfile || RealPath(Path.GetDirectoryName(dockerfilePath)!) is not { } realContext
            || !IsInside(realFolder, realDockerfile) || !(IsInside(realFolder, realContext) || realContext == realFolder))
        {
            throw Error(file, where, OutsideFolder(dockerfile, folder) + " (through a symbolic link)");
        }

        if (!image.TryGetProperty("architectures", out var archs) || archs.ValueKind != JsonValueKind.Array || archs.GetArrayLength() == 0)
        {
            throw Error(file, where, $"needs \"architectures\": a non-empty array of {Architectures.KnownNames}");
        }

        var architectures = new List<Architecture>();
        foreach (var arch in archs.EnumerateArray())
        {
            var name = arch.ValueKind == JsonValueKind.String ? arch.GetString()! : arch.GetRawText();
            var known = Architectures.Find(name)
                ?? throw Error(file, where, $"architecture '{name}' is unknown; known architectures: {Architectures.KnownNames}");
            if (architectures.Contains(known))
            {
                throw Error(file, where, $"architecture '{name}' is listed twice");
            }

            architectures.Add(known);
        }

        string? legacy = null;
        if (image.TryGetProperty("legacy", out var note) && note.ValueKind != JsonValueKind.Null)
        {
            legacy = note.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(note.GetString())
                ? note.GetString()
                : throw Error(file, where, "\"legacy\" must say why the entry is legacy, e.g. \"Amazon Linux 2 reached end of support on 2026-06-30\"");
        }

        return new ImageEntry(version, dockerfilePath, architectures, ReadBuildArgs(file, where, image), legacy);
    }

    private static Dictionary<string, string> ReadBuildArgs(string file, string where, JsonElement image)
    {
        var buildArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!image.TryGetProperty("buildArgs", out var args) || args.ValueKind == JsonValueKind.Null)
        {
            return buildArgs;
        }

        if (args.ValueKind != JsonValueKind.Object)
        {
            throw Error(file, where, $"\"buildArgs\" must be an object of NAME: \"value\", not {args.ValueKind}");
        }

        foreach (var arg in args.EnumerateObject())
        {
            if (arg.Value.ValueKind != JsonValueKind.String)
            {
                throw Error(file, where, $"build arg '{arg.Name}' must be a string, not {arg.Value.ValueKind}");
            }

            buildArgs[arg.Name] = arg.Value.GetString()!;
        }

        return buildArgs;
    }

    private static string RequiredString(string file, string where, JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw Error(file, where, $"needs \"{name}\" as a non-empty string");
        }

        return value.GetString()!;
    }

    private static string OutsideFolder(string dockerfile, string folder) =>
        $"dockerfile '{dockerfile}' is outside the matrix's folder {folder}: the Dockerfile and its folder, which is the build context " +
        "(sent to the Docker engine and hashed), must be inside it";

    /// <summary>True when <paramref name="path"/> is below <paramref name="folder"/> (both full paths).</summary>
    private static bool IsInside(string folder, string path)
    {
        var relative = Path.GetRelativePath(folder, path);
        return relative != "." && !Path.IsPathRooted(relative) && relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>The path with every symbolic link on it resolved; null when a link cannot be resolved (a loop).</summary>
    private static string? RealPath(string path, int depth = 0)
    {
        if (depth > 32)
        {
            return null;
        }

        try
        {
            var full = Path.GetFullPath(path);
            var current = Path.GetPathRoot(full)!;
            foreach (var part in full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
            {
                var next = Path.Combine(current, part);
                FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
                if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                {
                    next = RealPath(target.FullName, depth + 1) ?? throw new IOException("unresolvable link");
                }

                current = next;
            }

            return current;
        }
        catch (IOException)
        {
            return null;
        }
    }

    // JsonException counts lines from 0 and bytes, not characters, within the line: say it as an editor does.
    private static string Position(string text, JsonException ex)
    {
        if (ex.LineNumber is not { } line || ex.BytePositionInLine is not { } bytes)
        {
            return "";
        }

        var lines = text.Split('\n');
        var content = line < lines.Length ? System.Text.Encoding.UTF8.GetBytes(lines[line]) : [];
        var column = System.Text.Encoding.UTF8.GetCharCount(content, 0, (int)Math.Min(bytes, content.Length)) + 1;
        var offset = lines.Take((int)Math.Min(line, lines.Length)).Sum(l => l.Length + 1) + column - 1;
        return offset >= text.TrimEnd().Length
            ? $" at the end of the file (line {line + 1}, column {column})"
            : $" at line {line + 1}, column {column}";
    }

    private static CakeException Error(string file, string where, string problem) =>
        new($"Image matrix '{file}', {where}: {problem}.");

    [GeneratedRegex(@"^[a-z0-9][a-z0-9+.-]+$")]
    private static partial Regex DebianPackage();

    [GeneratedRegex(@"\s*(Path: \S* \| )?LineNumber: \d+ \| BytePositionInLine: \d+\.?\s*$")]
    private static partial Regex JsonPosition();

    [GeneratedRegex(@"^[a-z][a-z0-9-]{0,62}[a-z0-9]$")]
    private static partial Regex DebianSuite();
}
