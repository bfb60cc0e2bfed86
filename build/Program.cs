using Build.Context;
using Cake.Frosting;
using Microsoft.Extensions.DependencyInjection;

return new CakeHost()
    .UseContext<BuildContext>()
    .UseLifetime<BuildLifetime>()
    .UseWorkingDirectory(RepositoryRoot.Locate())
    .ConfigureServices(services => services.AddSingleton(RunMode.FromCommandLine(args)))
    .Run(args);
