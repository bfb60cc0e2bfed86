using Build.Context;
using Build.SupplyChain;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(TaskNames.VerifyImage)]
[TaskDescription("Verifies, with --public-key (or the signing key), each selected arch image's cosign signature, SLSA provenance (against the matrix, checkout and registry) and SBOM, and each list's signature and platforms")]
[IsDependentOn(typeof(RestoreTask))]
public sealed class VerifyImageTask : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public override Task RunAsync(BuildContext context) => ImageVerification.RunAsync(context);

    public IEnumerable<string> Plan(BuildContext context) =>
        context.Selection.Images.Select(target => (Tag: context.Tags.ArchTag(target), Attested: true))
            .Concat(context.Selection.Versions.SelectMany(v => context.Tags.ManifestTags(v.Version)).Select(tag => (Tag: tag, Attested: false)))
            .Select(item => $"registry API: GET {context.RegistryHost}/v2/{context.Tags.Repository}/manifests/{item.Tag}, then sha256-<digest>.sig" +
                (item.Attested ? " and .att (SBOM, provenance)" : " (and its platforms)") + ": checked with the public key");
}
