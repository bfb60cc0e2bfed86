using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Docker.Build;

/// <summary>Runs <c>docker build</c>; its progress goes straight to the console. Labels become one LABEL step (<see cref="LabelInstruction"/>).</summary>
public sealed class DockerImageBuilder(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerImageBuildSettings>(fileSystem, environment, processRunner, tools)
{
    public void Build(string contextDirectory, DockerImageBuildSettings settings)
    {
        var dockerfile = settings.File ?? System.IO.Path.Combine(contextDirectory, "Dockerfile");
        if (settings.Labels.Count > 1 && LabelInstruction.TryRender(settings.Labels) is { } instruction
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

        foreach (var tag in settings.Tags)
        {
            builder.Append("--tag").AppendQuoted(tag);
        }

        foreach (var (name, value) in settings.BuildArgs)
        {
            builder.Append("--build-arg").AppendQuoted($"{name}={value}");
        }

        foreach (var (name, value) in labelledDockerfile is null ? settings.Labels : [])
        {
            builder.Append("--label").AppendQuoted($"{name}={value}");
        }

        foreach (var image in settings.CacheFrom)
        {
            builder.Append("--cache-from").AppendQuoted(image);
        }

        if (settings.ImageIdFile is not null)
        {
            builder.Append("--iidfile").AppendQuoted(settings.ImageIdFile);
        }

        if (settings.Pull)
        {
            builder.Append("--pull");
        }

        if (settings.NoCache)
        {
            builder.Append("--no-cache");
        }

        builder.AppendQuoted(contextDirectory);
        return builder;
    }
}
