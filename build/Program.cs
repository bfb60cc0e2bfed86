using Build.Context;
using Cake.Frosting;
using Microsoft.Extensions.DependencyInjection;

var exitCode = new CakeHost()
    .UseContext<BuildContext>()
    .UseLifetime<BuildLifetime>()
    .UseTaskLifetime<TaskLogLifetime>()
    .UseWorkingDirectory(RepositoryRoot.Locate())
    .ConfigureServices(services => services.AddSingleton(RunMode.FromCommandLine(args)))
    .Run(args);

// Cake's help lists Cake's options; the build's own (which Cake passes through as arguments) follow it.
if (ArgumentTable.AskedFor(args))
{
    Console.Out.Write(ArgumentTable.Help());
}

return exitCode;
