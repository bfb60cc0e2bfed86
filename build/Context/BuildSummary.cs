using Cake.Common.Diagnostics;

namespace Build.Context;

/// <summary>
/// The closing table: what this run built, pushed and published, with digests. Plain aligned text rather than a
/// drawn table, so that CodeBuild logs keep full digests on one line and stay greppable.
/// </summary>
public static class BuildSummary
{
    public static void Write(BuildContext context)
    {
        var state = context.State;
        var rows = new List<(string Image, string Action, string Digest)>();
        rows.AddRange(state.Built.Select(b => (b.Reference, $"built {b.Target.Architecture.Platform}", b.ImageId)));
        rows.AddRange(state.Pushed.Select(p => (p.Reference, "pushed", p.Digest)));
        rows.AddRange(state.Published.SelectMany(l => l.References.Select(r => (r, $"manifest list [{string.Join(", ", l.Platforms)}]", l.Digest))));
        rows.AddRange(state.Signed.Select(s => (s.Reference, s.What, s.Digest)));
        if (rows.Count == 0)
        {
            return;
        }

        if (context.Signing.Signer is null && (state.Pushed.Count > 0 || state.Published.Count > 0))
        {
            rows.Add(("(the images and lists above)", "NOT signed: no --signing-key or SIGNING_KEY", "(no .sig, no SBOM, no provenance)"));
        }

        var imageWidth = Math.Max("Image".Length, rows.Max(r => r.Image.Length));
        var actionWidth = Math.Max("Action".Length, rows.Max(r => r.Action.Length));
        context.Information(string.Empty);
        context.Information("{0}  {1}  {2}", "Image".PadRight(imageWidth), "Action".PadRight(actionWidth), "Id / digest");
        context.Information("{0}  {1}  {2}", new string('-', imageWidth), new string('-', actionWidth), new string('-', 71));
        foreach (var (image, action, digest) in rows)
        {
            context.Information("{0}  {1}  {2}", image.PadRight(imageWidth), action.PadRight(actionWidth), digest);
        }
    }
}
