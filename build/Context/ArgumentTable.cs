using System.Text;
using Build.CodeBuild;

namespace Build.Context;

/// <summary>
/// The build's own arguments with their environment variables and defaults: one table, shown by <c>--help</c> after
/// Cake's options and written into README.md's Arguments section (a test keeps the two equal).
/// </summary>
public static class ArgumentTable
{
    public sealed record Row(string Argument, string Environment, string Default, string Meaning);

    public static readonly IReadOnlyList<Row> Rows =
    [
        new("`--target=<task>`", "", "`Default`", "Cake's: the task to run with its dependencies"),
        new($"`--{Arguments.Arch}=<arch>`", $"`{EnvVars.Arch}`", "every arch of the version", "`amd64`, `arm64v8` (also `arm32v7`, `ppc64le`, `s390x`)"),
        new($"`--{Arguments.PythonVersion}=<v>`", $"`{EnvVars.Version}`", "every version of the matrix", "a `version` of the matrix (`--version` stays Cake's)"),
        new($"`--{Arguments.Matrix}=<file>`", "", $"`{Paths.DefaultMatrix}`", "the image matrix (relative to the repository root)"),
        new($"`--{Arguments.Registry}=<host[:port]>`", $"`{EnvVars.Registry}`", "ECR for the push tasks, else none (images stay local)",
            "where images and manifest lists go; absent or an ECR host (`<account>.dkr.ecr.<region>.amazonaws.com`) means ECR mode"),
        new($"`--{Arguments.Repository}=<name>`", "", "the matrix's `repository`", "repository in the registry (may hold a namespace: `team/python`); lowercase, checked as the matrix's"),
        new($"`--{Arguments.TagSuffix}=<s>`", $"`{EnvVars.TagSuffix}`", "short commit id", "the `<suffix>` of every tag"),
        new($"`--{Arguments.UseDate}`", $"`{EnvVars.UseEpoch}=1`", "off", "suffix = the source commit's date `YYYYMMDD` (UTC), the same on every node of a batch"),
        new($"`--{Arguments.Retries}=<n>`", "", BuildOptions.DefaultRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "attempts per registry API call and per `docker push` on transient failures (1 = no retry)"),
        new($"`--{Arguments.Force}`", "", "off", "build every selected image even when the registry has one made of the same inputs"),
        new($"`--{Arguments.AllowPartial}`", "", "off", "let the manifest tasks publish lists that lack arch images the matrix lists (a warning names them)"),
        new($"`--{Arguments.InstallPrerequisites}[=false]`", "", "on as root on Debian/Ubuntu",
            "let `Restore` install and start Docker, qemu/binfmt, mmdebstrap and a loopback registry"),
        new("", $"`{EnvVars.ImagesCache}`", "`~/.cache/python-images`", "where `BaseImage` caches root filesystems"),
        new($"`--{Arguments.BuildspecDirectory}=<dir>`", "", $"`{BatchOptions.DefaultBuildspecDirectory}`", "where `Buildspec` writes and `CheckBuildspec` reads the CodeBuild buildspecs; inside the repository (CodeBuild reads them by their path from the source root)"),
        new($"`--{Arguments.ManifestNodes}=<m>`", "", "`per-version`",
            "`per-version`: one manifest node per version; `single`: one manifest node after every build node (the original graph)"),
        new($"`--{Arguments.GroupBy}=<g>`", "", "`arch-version`", "`arch-version`: one build node per (arch, version); `arch`: one build node per arch, building all its versions"),
        new($"`--{Arguments.Buildspec}=<file>`", "", "`<buildspec-dir>/batch.yml`", "the batch buildspec `LocalBatch` runs"),
        new($"`--{Arguments.AllowEditedBuildspec}`", "", "off", "let `LocalBatch` run buildspecs that differ from what `Buildspec` writes for the matrix"),
        new($"`--{Arguments.Parallel}=<n>`", "", "the core count", "how many nodes `LocalBatch` runs at once"),
        new($"`--{Arguments.CodeBuildProject}=<name>`", "", "none", "the CodeBuild project `StartBatch` starts"),
        new($"`--{Arguments.PollInterval}=<seconds>`", "", "`5`", "`StartBatch`'s first polling interval (it backs off to 30 s while nothing changes)"),
        new("", $"`{EnvVars.AwsRegion}` (else `{EnvVars.AwsDefaultRegion}`, the profile), `AWS_PROFILE` / `AWS_ACCESS_KEY_ID`..., `AWS_ENDPOINT_URL_CODEBUILD` / `AWS_ENDPOINT_URL`", "",
            "how `StartBatch` reaches and signs for CodeBuild (AWS SDK default chain)"),
        new("", $"`{EnvVars.RegistryUsername}`, `{EnvVars.RegistryPassword}`", "docker's login for the registry, else anonymous",
            "credentials of a plain registry (passed to `docker login --password-stdin`, never on a command line), logged in before the tasks whose docker commands talk to it: `BaseImage`, `BuildImage`, `PushImage`; when unset, the login docker holds (`DOCKER_CONFIG` or `~/.docker/config.json`: `credHelpers`, `credsStore`, `auths`) is read, never written"),
        new($"`--{Arguments.Region}=<region>`", $"`{EnvVars.AwsRegion}`, `{EnvVars.AwsDefaultRegion}`", "the ECR host's, else the profile's", "ECR mode: the AWS region"),
        new($"`--{Arguments.TagImmutability}=<m>`", "", "`MUTABLE`", "ECR mode: `MUTABLE` or `IMMUTABLE`, for a repository Restore creates"),
        new($"`--{Arguments.PublicRegistry}=<host/alias>`", $"`{EnvVars.PublicRegistry}`", "none",
            "ECR mode: also promote to ECR Public, `public.ecr.aws/<alias>`, e.g. `public.ecr.aws/myalias` (repository `myalias/<repository>`); no other host receives its token"),
        new($"`--{Arguments.SigningKey}=<file>` or `awskms:///<key>`", $"`{EnvVars.SigningKey}` (the PEM itself, or `awskms:///<key>`)", "none: nothing is signed",
            "sign every pushed arch image and list in cosign's format, with an SBOM and SLSA provenance per arch image (see [Signatures, SBOM and provenance](#signatures-sbom-and-provenance))"),
        new($"`--{Arguments.PublicKey}=<file>` or `awskms:///<key>`", "", "the signing key's public half", "the key `VerifyImage` and `--verify` check with"),
        new($"`--{Arguments.Verify}`", "", "off", "`PushManifest`: run `VerifyImage`'s checks after publishing the lists"),
        new("`--verbosity=<v>`, `--dryrun`, `--tree`, `--description`, `--exclusive`, `--help`", "", "", "Cake's own"),
    ];

    /// <summary>README.md's table.</summary>
    public static string Markdown()
    {
        var text = new StringBuilder();
        text.Append("| argument | environment | default | meaning |\n|---|---|---|---|\n");
        foreach (var row in Rows)
        {
            string[] cells = [row.Argument, row.Environment, row.Default, row.Meaning];
            text.Append('|').Append(string.Join('|', cells.Select(c => c.Length == 0 ? " " : $" {c} "))).Append("|\n");
        }

        return text.ToString();
    }

    /// <summary>What --help prints after Cake's options: the build's own arguments, for a terminal.</summary>
    public static string Help()
    {
        static string Plain(string markdown) => markdown.Replace("`", "", StringComparison.Ordinal);

        var text = new StringBuilder();
        text.Append("\nBUILD ARGUMENTS (this build's own, after Cake's options above; --name=value, or the environment variable):\n");
        foreach (var row in Rows.Where(r => !r.Meaning.StartsWith("Cake's", StringComparison.Ordinal)))
        {
            var name = row.Argument.Length > 0 ? Plain(row.Argument) : "(environment)";
            text.Append($"    {name}\n");
            if (row.Environment.Length > 0)
            {
                text.Append($"        environment: {Plain(row.Environment)}\n");
            }

            if (row.Default.Length > 0)
            {
                text.Append($"        default: {Plain(row.Default)}\n");
            }

            text.Append($"        {Plain(row.Meaning)}\n");
        }

        return text.ToString();
    }

    /// <summary>Whether Spectre shows the help for these arguments (-h, --help, -?), so that the build's table follows it.</summary>
    public static bool AskedFor(IEnumerable<string> args) =>
        args.TakeWhile(a => a != "--").Any(a => a is "-h" or "--help" or "-?");
}
