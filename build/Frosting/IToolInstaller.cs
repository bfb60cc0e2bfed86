using Cake.Core.Packaging;

namespace Cake.Frosting;

/// <summary>Installs a tool (<c>InstallTool</c>) before the run, with the package installers of the registered modules.</summary>
public interface IToolInstaller
{
    void Install(PackageReference tool);
}
