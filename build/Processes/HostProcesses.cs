using System.Diagnostics;
using Cake.Core;

namespace Build.Processes;

/// <summary>
/// Machine-setup commands on this host (apt-get, mount, update-binfmts) and the daemons it starts (dockerd, a
/// registry): run with their output kept for the error, started detached with a log, waited for, found on PATH.
/// </summary>
public static class HostProcesses
{
    /// <summary>Runs <paramref name="tool"/>; a failure keeps the command's last meaningful output lines and says how to fix it.</summary>
    public static void Run(string tool, IReadOnlyList<string> arguments, string fix, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Start(start, $"Could not start {tool}. {fix}");
        var output = new ToolFailure.Tail();
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new CakeException(ToolFailure.Describe($"{tool} {string.Join(' ', arguments)}", process.ExitCode, output.Lines, fix));
        }
    }

    /// <summary>Starts <paramref name="tool"/> in a session of its own (setsid), its output appended to <paramref name="logFile"/>; returns once it is started.</summary>
    public static void StartDetached(string tool, IReadOnlyList<string> arguments, string logFile)
    {
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = false };
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$LOGFILE\" 2>&1 </dev/null &");
        start.ArgumentList.Add(tool);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["LOGFILE"] = logFile;
        using var process = Start(start, $"Could not start {tool}.");
        process.WaitForExit();
    }

    /// <summary>Waits up to 60 s for <paramref name="ready"/>; a daemon that does not answer usually said why in its log, so the error keeps its last meaningful lines.</summary>
    public static void WaitFor(string what, string logFile, string fix, Func<bool> ready, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var deadline = DateTime.UtcNow + limit;
        while (!ready())
        {
            if (DateTime.UtcNow > deadline)
            {
                var lines = ToolFailure.MeaningfulLines(ToolFailure.Tail.OfFile(logFile).Lines);
                var said = lines.Count > 0 ? $" Its log ({logFile}) ends:" + string.Concat(lines.Select(l => Environment.NewLine + "  " + l)) : $" Its log ({logFile}) is empty.";
                throw new CakeException($"Started {what}, but it did not answer within {limit.TotalSeconds:0} seconds.{said}{Environment.NewLine}{fix}");
            }

            Thread.Sleep(500);
        }
    }

    /// <summary>The tool's path on PATH, or null.</summary>
    public static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);

    /// <summary>True when a process of that name (its /proc/PID/comm) runs on this machine.</summary>
    public static bool IsRunning(string name) =>
        Directory.Exists("/proc") && Directory.EnumerateDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Any(d => File.Exists(Path.Combine(d, "comm")) && SafeRead(Path.Combine(d, "comm")).Trim() == name);

    private static Process Start(ProcessStartInfo start, string failure)
    {
        try
        {
            return Process.Start(start) ?? throw new CakeException(failure);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new CakeException(failure);
        }
    }

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
