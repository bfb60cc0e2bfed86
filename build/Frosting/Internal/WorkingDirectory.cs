using Cake.Core.IO;

namespace Cake.Frosting.Internal;

// Registered by CakeHost.UseWorkingDirectory; --working wins over it.
internal sealed record WorkingDirectory(DirectoryPath Path);
