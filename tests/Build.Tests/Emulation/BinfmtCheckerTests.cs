using Build.Emulation;
using Build.Images;
using Build.Registry;

namespace Build.Tests.Emulation;

public sealed class BinfmtCheckerTests
{
    private static readonly Platform Amd64 = Platform.Parse("linux/amd64");
    private static readonly Platform Arm64 = Platform.Parse("linux/arm64/v8");
    private string _proc = null!;

    [SetUp]
    public void SetUp() => _proc = Directory.CreateTempSubdirectory("binfmt-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_proc, recursive: true);

    [Test]
    public void Should_need_nothing_for_the_native_platform() =>
        Assert.That(new BinfmtChecker(_proc).Problem(Amd64, Platform.Parse("linux/amd64")), Is.Null);

    [Test]
    public void Should_accept_an_enabled_handler_with_the_fix_binary_flag()
    {
        WriteStatus();
        File.WriteAllText(Path.Combine(_proc, "qemu-aarch64"), "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\n");

        Assert.That(new BinfmtChecker(_proc).Problem(Amd64, Arm64), Is.Null);
    }

    [Test]
    public void Should_say_how_to_install_qemu_when_no_handler_is_registered()
    {
        WriteStatus();

        Assert.That(new BinfmtChecker(_proc).Problem(Amd64, Arm64), Does.Contain("qemu-user-static").And.Contain("linux/arm64/v8").And.Contain("aarch64"));
    }

    [Test]
    public void Should_say_how_to_enable_a_disabled_handler()
    {
        WriteStatus();
        File.WriteAllText(Path.Combine(_proc, "qemu-aarch64"), "disabled\nflags: PF\n");

        Assert.That(new BinfmtChecker(_proc).Problem(Amd64, Arm64), Does.Contain("update-binfmts --enable qemu-aarch64"));
    }

    [Test]
    public void Should_reject_a_handler_containers_cannot_use()
    {
        WriteStatus();
        File.WriteAllText(Path.Combine(_proc, "qemu-aarch64"), "enabled\nflags: \n");

        Assert.That(new BinfmtChecker(_proc).Problem(Amd64, Arm64), Does.Contain("F (fix-binary)"));
    }

    [Test]
    public void Should_say_how_to_mount_binfmt_misc() =>
        Assert.That(new BinfmtChecker(_proc).Problem(Amd64, Arm64), Does.Contain("mount -t binfmt_misc"));

    private void WriteStatus() => File.WriteAllText(Path.Combine(_proc, "status"), "enabled\n");
}
