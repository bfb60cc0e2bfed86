using Build.CodeBuild;

namespace Build.Context;

public static class TaskNames
{
    public const string Restore = "Restore";
    public const string BaseImage = "BaseImage";
    public const string BuildImage = "BuildImage";
    public const string TestImage = "TestImage";
    public const string PushImage = BatchCommandLine.BuildTarget;
    public const string CreateManifest = "CreateManifest";
    public const string AnnotateArch = "AnnotateArch";
    public const string PushManifest = BatchCommandLine.ManifestTarget;
    public const string Publish = "Publish";
    public const string CheckDockerfiles = "CheckDockerfiles";
    public const string VerifyImage = "VerifyImage";
    public const string Default = "Default";

    // CodeBuild batch: these build no image themselves (LocalBatch's child processes do).
    public const string Buildspec = BatchCommandLine.BuildspecTarget;
    public const string CheckBuildspec = "CheckBuildspec";
    public const string LocalBatch = "LocalBatch";
    public const string StartBatch = "StartBatch";

    /// <summary>Tasks that talk to a registry and so need --registry.</summary>
    public static readonly string[] NeedRegistry = [PushImage, CreateManifest, AnnotateArch, PushManifest, LocalBatch, VerifyImage];

    /// <summary>Tasks that sign (with --signing-key or SIGNING_KEY) or verify signatures.</summary>
    public static readonly string[] UseSigningKey = [PushImage, PushManifest, VerifyImage];

    /// <summary>Tasks that run the docker CLI.</summary>
    public static readonly string[] NeedDocker = [BaseImage, BuildImage, TestImage, PushImage];

    /// <summary>
    /// Tasks whose docker commands talk to the target registry, so docker logs in before them: BaseImage pushes the
    /// base, BuildImage pulls it (docker build --pull) and the previous image (--cache-from), PushImage pushes.
    /// </summary>
    public static readonly string[] NeedDockerLogin = [BaseImage, BuildImage, PushImage];
}
