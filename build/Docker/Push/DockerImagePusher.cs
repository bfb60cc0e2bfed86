using System.Text.RegularExpressions;
using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.Docker;

namespace Build.Docker.Push;

/// <summary>Ours: runs <c>docker push</c> for one tag from Cake.Docker's settings, with docker's own error in the exception (what <see cref="DockerPushRetry"/> reads).</summary>
public sealed partial class DockerImagePusher(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerImagePushSettings>(fileSystem, environment, processRunner, tools)
{
    /// <returns>The digest the push reported for the tag (its "&lt;tag&gt;: digest: sha256:… size: …" line), or null when it printed none.</returns>
    public string? Push(string reference, DockerImagePushSettings settings, Action<string>? onLine = null) =>
        ReportedDigest(RunAndCapture(settings, GetArguments(reference, settings), $"Pushing {reference} failed", onLine), reference);

    /// <summary>The digest docker push printed for <paramref name="reference"/>'s tag, or null.</summary>
    public static string? ReportedDigest(IEnumerable<string> output, string reference)
    {
        var tag = reference[(reference.LastIndexOf(':') + 1)..];
        return output.Select(line => DigestLine().Match(line.Trim()))
            .LastOrDefault(match => match.Success && match.Groups["tag"].Value == tag)?.Groups["digest"].Value;
    }

    public static ProcessArgumentBuilder GetArguments(string reference, DockerImagePushSettings settings)
    {
        var builder = new ProcessArgumentBuilder();
        builder.Append("push");
        if (settings.AllTags)
        {
            builder.Append("--all-tags");
        }

        builder.AppendQuoted(reference);
        return builder;
    }

    [GeneratedRegex(@"^(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]*): digest: (?<digest>sha256:[0-9a-f]{64}) size: [0-9]+$")]
    private static partial Regex DigestLine();
}
