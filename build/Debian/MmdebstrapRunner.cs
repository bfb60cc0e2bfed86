using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Debian;

/// <summary>Runs <c>mmdebstrap</c>; foreign architectures run their maintainer scripts under qemu (binfmt).</summary>
public sealed class MmdebstrapRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : Tool<MmdebstrapSettings>(fileSystem, environment, processRunner, tools)
{
    public void Create(string suite, string outputTarball, MmdebstrapSettings settings) =>
        Run(settings, GetArguments(suite, outputTarball, settings));

    public static ProcessArgumentBuilder GetArguments(string suite, string outputTarball, MmdebstrapSettings settings)
    {
        var builder = new ProcessArgumentBuilder()
            .Append($"--arch={settings.Architecture}")
            .Append($"--variant={settings.Variant}");
        if (settings.Include.Count > 0)
        {
            builder.Append($"--include={string.Join(',', settings.Include)}");
        }

        // mmdebstrap picks the output format from the extension: callers pass a .tar path. Both are quoted: one argument each.
        return builder.AppendQuoted(suite).AppendQuoted(outputTarball);
    }

    protected override string GetToolName() => "mmdebstrap";

    protected override IEnumerable<string> GetToolExecutableNames() => ["mmdebstrap"];
}
