using Build.Images;

namespace Build.CodeBuild;

/// <summary>Where each node runs: arm images build natively on ARM_CONTAINER, the rest on LINUX_CONTAINER.</summary>
public static class CodeBuildEnvironments
{
    public const string LinuxContainer = "LINUX_CONTAINER";
    public const string ArmContainer = "ARM_CONTAINER";

    // CodeBuild's curated images: Ubuntu standard for x86, Amazon Linux 2 aarch64 standard for arm.
    public const string X86Image = "aws/codebuild/standard:7.0";
    public const string ArmImage = "aws/codebuild/amazonlinux2-aarch64-standard:3.0";
    public const string ComputeType = "BUILD_GENERAL1_SMALL";

    public static bool RunsOnArm(Architecture architecture) => architecture.Platform.Architecture is "arm64";

    public static string TypeFor(Architecture architecture) => RunsOnArm(architecture) ? ArmContainer : LinuxContainer;

    public static string ImageFor(Architecture architecture) => RunsOnArm(architecture) ? ArmImage : X86Image;
}
