using Build.Aws;
using Build.Context;
using Build.Docker;
using Build.Docker.Login;
using Build.Docker.Version;
using Build.Emulation;
using Build.Prerequisites;
using Cake.Common.Diagnostics;
using Cake.Docker;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.Restore)]
[TaskDescription("Checks what the run needs: the Docker engine, qemu emulation for foreign platforms, the registry and its login (ECR: account, token, repository)")]
public sealed class RestoreTask : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public override async Task RunAsync(BuildContext context)
    {
        var machine = new MachineSetup(context);
        await machine.EnsureAsync();
        await context.Signing.CheckAsync(line => context.Information("{0}", line));

        if (TaskNames.NeedDocker.Any(context.Runs))
        {
            var engine = machine.Engine ?? context.DockerEngine(new DockerVersionSettings());
            context.Information("Docker engine {0} on {1}.", engine.Version, engine.Platform);

            if (context.Runs(TaskNames.BuildImage))
            {
                var checker = new BinfmtChecker();
                foreach (var platform in context.Selection.Images.Select(i => i.Architecture.Platform).Distinct())
                {
                    checker.Check(engine.Platform, platform);
                }
            }
        }

        if (context.Ecr is { } ecr)
        {
            await EcrRestore.RunAsync(context, ecr);
            return;
        }

        if (context.Options.Registry is not { } registry)
        {
            return;
        }

        if (context.Credentials is { } credentials && TaskNames.NeedDockerLogin.Any(context.Runs))
        {
            context.DockerLoginWithPasswordStdin(
                new DockerRegistryLoginSettings { Username = credentials.Username, Password = credentials.Password }.WithDockerConfig(context.EnsureDockerConfig()),
                registry);
            context.Information("Logged in to {0} as {1} (credentials kept in a run-private DOCKER_CONFIG).", registry, credentials.Username);
        }

        await context.RegistryClient.CheckAsync();
        context.Information("Registry {0} answers.", registry);
    }

    public IEnumerable<string> Plan(BuildContext context)
    {
        if (TaskNames.NeedDocker.Any(context.Runs))
        {
            yield return DockerVersionRunner.Render(DockerVersionRunner.GetArguments());
        }

        if (context.Options.IsEcr && TaskNames.NeedRegistry.Any(context.Runs))
        {
            foreach (var step in EcrRestore.Plan(context))
            {
                yield return step;
            }
        }
        else if (context.Options.Registry is { } registry)
        {
            if (context.Credentials is { } credentials && TaskNames.NeedDockerLogin.Any(context.Runs))
            {
                var settings = new DockerRegistryLoginSettings { Username = credentials.Username, Password = credentials.Password };
                yield return DockerLoginRunner.Render(DockerLoginRunner.GetArguments(registry, settings)) + "  (password on standard input)";
            }

            yield return $"registry API: GET {registry}/v2/";
        }
    }
}
