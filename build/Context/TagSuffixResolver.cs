using Cake.Core;

namespace Build.Context;

/// <summary>
/// The tag suffix every node of a batch must agree on: --tag-suffix, else the commit date (--use-date / USE_EPOCH=1),
/// else the short commit id (CodeBuild's resolved source version, else git).
/// </summary>
public static class TagSuffixResolver
{
    /// <summary>Reads the source (git) only when no --tag-suffix names the suffix.</summary>
    public static string Resolve(BuildOptions options, Lazy<SourceInfo> source) =>
        options.TagSuffix ?? Resolve(options, source.Value);

    public static string Resolve(BuildOptions options, SourceInfo source)
    {
        if (options.TagSuffix is not null)
        {
            return options.TagSuffix;
        }

        if (options.UseDate)
        {
            return source.CommitDate ?? throw new CakeException(
                "--use-date (or USE_EPOCH=1) needs the source commit's date, but neither git nor CodeBuild gave a commit. Pass --tag-suffix=<value> instead.");
        }

        return source.ShortRevision ?? throw new CakeException(
            $"Cannot name the images: no --tag-suffix, no {EnvVars.CodeBuildResolvedSourceVersion}, and `git rev-parse HEAD` found no commit here. Pass --tag-suffix=<value> or run from a git checkout.");
    }
}
