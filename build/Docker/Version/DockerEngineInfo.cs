using Build.Registry;

namespace Build.Docker.Version;

/// <summary>What the Docker engine says of itself: its version and the platform it runs natively.</summary>
public sealed record DockerEngineInfo(string Version, Platform Platform);
