using System.Runtime.Versioning;

// The integration tests drive dockerd, qemu and Debian's registry: the suite runs on Linux.
[assembly: SupportedOSPlatform("linux")]
