using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.Docker;

namespace Build.Docker.Build;

/// <summary>
/// Ours (Cake.Docker's DockerBuild has no such step): runs <c>docker build</c> from Cake.Docker's settings with the
/// labels as one LABEL step (<see cref="LabelInstruction"/>); its progress goes straight to the console.
/// </summary>
public sealed class DockerImageBuilder(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerImageBuildSettings>(fileSystem, environment, processRunner, tools)
{
    public void Build(string contextDirectory, DockerImageBuildSettings settings)
    {
        var dockerfile = settings.File ?? System.IO.Path.Combine(contextDirectory, "Dockerfile");
        if (settings.Label is { Length: > 1 } labels && LabelInstruction.TryRender(labels.Select(LabelInstruction.Split)) is { } instruction
            && File.Exists(dockerfile) && LabelInstruction.AppendTo(File.ReadAllText(dockerfile), instruction) is { } labelled)
        {
            // Outside the context: docker sends it along with the context, under a name of its own.
            var copy = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{System.IO.Path.GetFileName(dockerfile)}.{Guid.NewGuid():N}.labelled");
            File.WriteAllText(copy, labelled);
            try
            {
                Run(settings, GetArguments(contextDirectory, settings, labelledDockerfile: copy));
            }
            finally
            {
                File.Delete(copy);
            }

            return;
        }

        Run(settings, GetArguments(contextDirectory, settings));
    }

    /// <param name="labelledDockerfile">A copy of the Dockerfile that ends with the labels (<see cref="LabelInstruction"/>): built instead of <c>--file</c>, without <c>--label</c> flags.</param>
    public static ProcessArgumentBuilder GetArguments(string contextDirectory, DockerImageBuildSettings settings, string? labelledDockerfile = null)
    {
        var builder = new ProcessArgumentBuilder();
        builder.Append("build");
        if (settings.Platform is not null)
        {
            builder.Append("--platform").Append(settings.Platform);
        }

        if ((labelledDockerfile ?? settings.File) is { } file)
        {
            builder.Append("--file").AppendQuoted(file);
        }

        foreach (var tag in settings.Tag ?? [])
        {
            builder.Append("--tag").AppendQuoted(tag);
        }

        foreach (var argument in settings.BuildArg ?? [])
        {
            builder.Append("--build-arg").AppendQuoted(argument);
        }

        foreach (var label in labelledDockerfile is null ? settings.Label ?? [] : [])
        {
            builder.Append("--label").AppendQuoted(label);
        }

        foreach (var image in settings.CacheFrom ?? [])
        {
            builder.Append("--cache-from").AppendQuoted(image);
        }

        if (settings.Iidfile is not null)
        {
            builder.Append("--iidfile").AppendQuoted(settings.Iidfile);
        }

        if (settings.Pull == true)
        {
            builder.Append("--pull");
        }

        if (settings.NoCache == true)
        {
            builder.Append("--no-cache");
        }

        builder.AppendQuoted(contextDirectory);
        return builder;
    }
}
