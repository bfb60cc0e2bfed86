using System.Globalization;
using Cake.Core.Diagnostics;

namespace Build.Tests.Support;

/// <summary>A Cake log that keeps every line it was given, formatted, for asserting a step's messages.</summary>
public sealed class RecordingLog : ICakeLog
{
    public List<string> Lines { get; } = [];

    public Verbosity Verbosity { get; set; } = Verbosity.Diagnostic;

    public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args) =>
        Lines.Add(args.Length == 0 ? format : string.Format(CultureInfo.InvariantCulture, format, args));
}
