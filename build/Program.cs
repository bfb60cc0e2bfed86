using Build.Context;
using Cake.Frosting;

return new CakeHost()
    .UseContext<BuildContext>()
    .UseLifetime<BuildLifetime>()
    .UseWorkingDirectory(RepositoryRoot.Locate())
    .Run(args);
