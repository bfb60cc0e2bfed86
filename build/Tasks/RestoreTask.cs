using Build.Context;
using Build.Docker;
using Build.Docker.Version;
using Build.Prerequisites;
using Build.Steps.CheckEngine;
using Build.Steps.LogInToRegistry;
using Cake.Common.Diagnostics;
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
            var toBuild = context.Runs(TaskNames.BuildImage) ? context.Selection.Images.Select(i => i.Architecture.Platform) : [];
            EngineCheck.Run(machine.Engine ?? context.DockerEngine(new DockerVersionSettings()), toBuild, context.Log);
        }

        var login = TaskNames.NeedDockerLogin.Any(context.Runs) ? new PrivateConfigDockerLogin(context, context.EnsureDockerConfig) : null;
        context.HandOn(await new RegistryLogIn(context.Options.Registry, login, context.Log)
            .RunAsync(context.Ecr, context.Credentials, context.Tags.Repository, context.Options.TagImmutability));

        if (context.Ecr is not null || context.Options.Registry is not null)
        {
            await context.RegistryClient.CheckAsync();
            context.Information("Registry {0} answers.", context.RegistryHost);
        }
    }

    public IEnumerable<string> Plan(BuildContext context) =>
        (TaskNames.NeedDocker.Any(context.Runs) ? [DockerVersionRunner.Render(DockerVersionRunner.GetArguments())] : Array.Empty<string>())
        .Concat(RegistryLogIn.Plan(
            context.Options.IsEcr && TaskNames.NeedRegistry.Any(context.Runs), context.Options.Registry, context.Environment.GetEnvironmentVariable(EnvVars.AwsAccountId) is { Length: > 0 },
            context.Credentials, context.Tags.Repository, context.Options.TagImmutability, TaskNames.NeedDockerLogin.Any(context.Runs)));
}
