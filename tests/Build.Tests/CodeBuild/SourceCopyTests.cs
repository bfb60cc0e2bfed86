using System.Diagnostics;
using Build.CodeBuild.LocalBatch.Containers;
using Build.Git;
using Build.Tests.Support;
using Cake.Core;

namespace Build.Tests.CodeBuild;

/// <summary>A node's source copy, made with real git through the Git wrapper: the commit plus the working tree's changes, nothing ignored.</summary>
public class SourceCopyTests
{
    private string _root = null!;

    [SetUp]
    public void CreateFolder() => _root = Directory.CreateTempSubdirectory("source-copy-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task Should_copy_the_commit_with_the_working_tree_changes_and_without_ignored_files()
    {
        var source = Path.Combine(_root, "source");
        Directory.CreateDirectory(source);
        GitIn(source, "init", "--quiet");
        File.WriteAllText(Path.Combine(source, ".gitignore"), ".artifacts/\n");
        File.WriteAllText(Path.Combine(source, "tracked.txt"), "committed");
        GitIn(source, "add", ".");
        GitIn(source, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "first");
        File.WriteAllText(Path.Combine(source, "tracked.txt"), "changed");
        File.WriteAllText(Path.Combine(source, "new file.txt"), "new");
        Directory.CreateDirectory(Path.Combine(source, ".artifacts"));
        File.WriteAllText(Path.Combine(source, ".artifacts", "program.dll"), "built");
        var copy = Path.Combine(_root, "copy");

        await SourceCopy.MakeAsync(Git(), source, copy, CancellationToken.None);

        Assert.That(File.ReadAllText(Path.Combine(copy, "tracked.txt")), Is.EqualTo("changed"));
        Assert.That(File.ReadAllText(Path.Combine(copy, "new file.txt")), Is.EqualTo("new"));
        Assert.That(Path.Combine(copy, ".artifacts"), Does.Not.Exist);
        Assert.That(GitIn(copy, "rev-parse", "HEAD"), Is.EqualTo(GitIn(source, "rev-parse", "HEAD")));
    }

    [Test]
    public void Should_say_which_git_command_failed_and_what_git_said()
    {
        var notACheckout = Path.Combine(_root, "plain");
        Directory.CreateDirectory(notACheckout);

        Assert.That(
            async () => await SourceCopy.MakeAsync(Git(), notACheckout, Path.Combine(_root, "copy"), CancellationToken.None),
            Throws.TypeOf<CakeException>().With.Message.StartsWith($"LocalBatch could not copy the source for a node: git rev-parse HEAD in {notACheckout} exited 128: ")
                .And.Message.Contains("not a git repository"));
    }

    private static GitRunner Git()
    {
        var cake = new RealCake();
        return new GitRunner(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools);
    }

    private static string GitIn(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["GIT_CEILING_DIRECTORIES"] = Path.GetTempPath();
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"git {string.Join(' ', arguments)}");
        return output.Trim();
    }
}
