namespace Build.CodeBuild.Buildspecs;

/// <summary>
/// What every node's buildspec declares for CodeBuild's cache (the project's S3 cache), so that a node of the next batch
/// whose build sources did not change starts without installing the SDK, restoring packages or compiling the program:
/// the SDK build.sh installs (.dotnet/), NuGet's packages (build.sh points NUGET_PACKAGES into the checkout in a node)
/// and the built program. The key is per CPU (amd64 and arm64 nodes share the project's cache) and per content of the
/// program's sources at the commit (git's tree hashes, fixed for the whole build): unchanged sources restore the
/// program; changed ones fall back to the newest cache of the CPU (SDK and packages) and save a new one.
/// </summary>
public static class NodeCache
{
    public const string KeyPrefix = "build-program-$(uname -m)-";

    public const string Key = KeyPrefix + "$(git ls-tree HEAD build build.sh global.json Directory.Build.props Directory.Build.targets | sha256sum | cut -c1-16)";

    public static readonly IReadOnlyList<string> Paths = [".dotnet/**/*", ".nuget/packages/**/*", ".artifacts/build/**/*"];

    public static BuildCache Declaration() => new() { Key = Key, FallbackKeys = [KeyPrefix], Paths = [.. Paths] };
}
