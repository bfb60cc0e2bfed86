using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Build.Docker.Build;

/// <summary>Runs <c>docker build</c>; its progress goes straight to the console.</summary>
public sealed class DockerImageBuilder(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools)
    : DockerTool<DockerImageBuildSettings>(fileSystem, environment, processRunner, tools)
{
    public void Build(string contextDirectory, DockerImageBuildSettings settings) =>
        Run(settings, GetArguments(contextDirectory, settings));

    public static ProcessArgumentBuilder GetArguments(string contextDirectory, DockerImageBuildSettings settings)
    {
        var builder = new ProcessArgumentBuilder();
        builder.Append("build");
        if (settings.Platform is not null)
        {
            builder.Append("--platform").Append(settings.Platform);
        }

        if (settings.File is not null)
        {
            builder.Append("--file").AppendQuoted(settings.File);
        }

        foreach (var tag in settings.Tags)
        {
            builder.Append("--tag").Append(tag);
        }

        foreach (var (name, value) in settings.BuildArgs)
        {
            builder.Append("--build-arg").AppendQuoted($"{name}={value}");
        }

        foreach (var (name, value) in settings.Labels)
        {
            builder.Append("--label").AppendQuoted($"{name}={value}");
        }

        foreach (var image in settings.CacheFrom)
        {
            builder.Append("--cache-from").Append(image);
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
