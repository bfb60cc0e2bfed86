namespace Build.Tests.Docker.CakeDocker;

/// <summary>
/// Cake.Docker as its source says, copied from github.com/MihaMarkic/Cake.Docker at commit
/// 2e8b57b7ea9a849feabc6e26f4e01a50762086e4 (Cake.Docker 1.5.0, which references Cake.Core 6.0.0): the aliases of the
/// verbs this build runs (src/Cake.Docker/{Image,Registry,Container}/*/Docker.Aliases.*.cs) and every property of
/// their settings classes, in declaration order, which is the order Cake.Docker renders them in.
/// </summary>
public static class CakeDockerFacts
{
    public const string Commit = "2e8b57b7ea9a849feabc6e26f4e01a50762086e4";

    /// <summary>The alias declarations, as the source writes them (nullable annotations included).</summary>
    public static readonly string[] Aliases =
    [
        "void DockerBuild(this ICakeContext context, string path)",
        "void DockerBuild(this ICakeContext context, DockerImageBuildSettings? settings, string path)",
        "void DockerPush(this ICakeContext context, string imageReference)",
        "void DockerPush(this ICakeContext context, DockerImagePushSettings? settings, string imageReference)",
        "void DockerPull(this ICakeContext context, string imageReference)",
        "void DockerPull(this ICakeContext context, DockerImagePullSettings? settings, string imageReference)",
        "void DockerLoad(this ICakeContext context, DockerImageLoadSettings? settings)",
        "void DockerLogin(this ICakeContext context, string username, string password, string? server = null)",
        "void DockerLogin(this ICakeContext context, DockerRegistryLoginSettings settings, string? server = null)",
        "string? DockerRun(this ICakeContext context, string image, string command, params string[] args)",
        "string? DockerRun(this ICakeContext context, DockerContainerRunSettings? settings, string image, string command, params string[] args)",
        "void DockerRunWithoutResult(this ICakeContext context, string image, string command, params string[] args)",
        "void DockerRunWithoutResult(this ICakeContext context, DockerContainerRunSettings? settings, string image, string command, params string[] args)",
    ];

    /// <summary>
    /// Settings class → its properties as "Name:type"; "!" marks [AutoProperty(Format = "--{0}={1}")]. The source enables
    /// nullable references and declares string and string[] without "?": annotated non-null (null until set).
    /// </summary>
    public static readonly Dictionary<string, string[]> Settings = new()
    {
        ["DockerImageBuildSettings"] =
        [
            "AddHost:string[]", "BuildArg:string[]", "CacheFrom:string[]", "CgroupParent:string", "Compress:bool?", "CpuPeriod:long?",
            "CpuQuota:long?", "CpusetCpus:string", "CpusetMems:string", "CpuShares:long?", "DisableContentTrust:bool?!", "File:string",
            "ForceRm:bool?", "Iidfile:string", "Isolation:string", "Label:string[]", "Memory:string", "MemorySwap:string", "Network:string",
            "NoCache:bool?", "Platform:string", "Progress:string", "Pull:bool?", "Quiet:bool?", "Rm:bool?!", "SecurityOpt:string[]",
            "ShmSize:string", "Squash:bool?", "Stream:bool?", "Tag:string[]", "Target:string", "Ulimit:string[]",
        ],
        ["DockerImagePushSettings"] = ["DisableContentTrust:bool?!", "AllTags:bool"],
        ["DockerImagePullSettings"] = ["AllTags:bool?", "DisableContentTrust:bool?!", "Platform:string"],
        ["DockerImageLoadSettings"] = ["Input:string", "Quiet:bool?"],
        // Password is a secret property (DockerRegistryLoginSettings.Ex.cs): rendered with AppendQuotedSecret.
        ["DockerRegistryLoginSettings"] = ["Password:string", "PasswordStdin:bool?", "Username:string"],
        ["DockerContainerRunSettings"] =
        [
            "AddHost:string[]", "Attach:string[]", "BlkioWeightDevice:ulong?", "CapAdd:string[]", "CapDrop:string[]", "CgroupParent:string",
            "Cidfile:string", "CpuCount:long?", "CpuPercent:long?", "CpuPeriod:long?", "CpuQuota:long?", "CpuRtPeriod:long?",
            "CpuRtRuntime:long?", "Cpus:ulong?", "CpusetCpus:string", "CpusetMems:string", "CpuShares:long?", "Detach:bool?",
            "DetachKeys:string", "Device:string[]", "DeviceCgroupRule:string[]", "DeviceReadBps:ulong?", "DeviceReadIops:ulong?",
            "DeviceWriteBps:ulong?", "DeviceWriteIops:ulong?", "DisableContentTrust:bool?!", "Dns:string[]", "DnsOption:string[]",
            "DnsSearch:string[]", "Entrypoint:string", "Env:string[]", "EnvFile:string[]", "Expose:string[]", "GroupAdd:string[]",
            "HealthCmd:string", "HealthInterval:string", "HealthRetries:int?", "HealthStartPeriod:string", "HealthTimeout:string",
            "Hostname:string", "Init:bool?", "Interactive:bool?", "IoMaxbandwidth:string", "IoMaxiops:string", "Ip:string", "Ip6:string",
            "Ipc:string", "Isolation:string", "KernelMemory:string", "Label:string[]", "LabelFile:string[]", "Link:string[]",
            "LinkLocalIp:string[]", "LogDriver:string", "LogOpt:string[]", "MacAddress:string", "Memory:string", "MemoryReservation:string",
            "MemorySwap:string", "MemorySwappiness:long?", "Mount:string[]", "Name:string", "Network:string", "NetworkAlias:string[]",
            "NoHealthcheck:bool?", "OomKillDisable:bool?", "OomScoreAdj:int?", "Pid:string", "PidsLimit:long?", "Platform:string",
            "Privileged:bool?", "Publish:string[]", "PublishAll:bool?", "ReadOnly:bool?", "Restart:string", "Rm:bool?", "Runtime:string",
            "SecurityOpt:string[]", "ShmSize:string", "SigProxy:bool?", "StopSignal:string", "StopTimeout:int?", "StorageOpt:string[]",
            "Sysctl:string[]", "Tmpfs:string[]", "Tty:bool?", "Ulimit:string[]", "User:string", "Userns:string", "Uts:string",
            "Volume:string[]", "VolumeDriver:string", "VolumesFrom:string[]", "Workdir:string",
        ],
    };

    /// <summary>The secret properties of each settings class (CollectSecretProperties).</summary>
    public static readonly Dictionary<string, string[]> Secrets = new() { ["DockerRegistryLoginSettings"] = ["Password"] };

    public sealed record Property(string Name, Type Type, bool TrueDefaultFormat);

    public static IReadOnlyList<Property> PropertiesOf(string settings) =>
        Settings[settings].Select(entry =>
        {
            var (name, type) = (entry.Split(':')[0], entry.Split(':')[1]);
            return new Property(name, TypeOf(type.TrimEnd('!')), type.EndsWith('!'));
        }).ToList();

    private static Type TypeOf(string name) => name switch
    {
        "string" => typeof(string),
        "string[]" => typeof(string[]),
        "bool" => typeof(bool),
        "bool?" => typeof(bool?),
        "int?" => typeof(int?),
        "long?" => typeof(long?),
        "ulong?" => typeof(ulong?),
        _ => throw new ArgumentException($"No type {name} in the table's vocabulary."),
    };
}
