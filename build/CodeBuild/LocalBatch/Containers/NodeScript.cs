using System.Net;
using System.Text;
using Build.CodeBuild.Buildspecs;

namespace Build.CodeBuild.LocalBatch.Containers;

/// <summary>
/// What runs first in a node container, as CodeBuild's agent runs a build around the buildspec's phases: it starts the
/// node's own dockerd (privileged mode; its image cache is empty), restores the declared <c>cache:</c> from the batch's
/// cache folder as the project's S3 cache would (the key, else the newest entry under a fallback key), runs the
/// phases, and saves the cache paths under the key when they succeeded. It prints what it does as "[local-batch] ..."
/// lines, which the batch reads for its report (cache restore and save times).
/// </summary>
public static class NodeScript
{
    public const string Folder = "/codebuild/local-batch";
    public const string CacheFolder = "/codebuild/cache";

    private static readonly Lazy<string> WritableCgroups = new(() =>
    {
        using var stream = typeof(NodeScript).Assembly.GetManifestResourceStream("writable-cgroups.sh")
            ?? throw new InvalidOperationException("The program lacks its embedded writable-cgroups.sh (see Build.csproj).");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <param name="relay">A loopback registry address the node should reach (as REGISTRY says) and where the batch relays it.</param>
    public static string Render(string identifier, BuildCache? cache, bool remountCgroups, (IPEndPoint Loopback, IPEndPoint Relay)? relay)
    {
        var script = new StringBuilder();
        script.AppendLine($$"""
            #!/bin/bash
            # LocalBatch node {{identifier}} (written by LocalBatch; see build/CodeBuild/LocalBatch/Containers/NodeScript.cs).
            set -uo pipefail
            note() { echo "[local-batch] $*"; }
            elapsed() { awk -v s="$1" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.2f", e - s }'; }
            note "node {{identifier}} in container $(hostname) ($(uname -m))"
            if command -v dotnet >/dev/null 2>&1; then note "dotnet at the start: $(command -v dotnet)"; else note "no .NET at the start: no dotnet on PATH"; fi
            """);
        if (remountCgroups)
        {
            // Without --privileged, the node's dockerd needs writable cgroups (the script says how; the fresh-machine
            // test's containers source the same file).
            script.Append(WritableCgroups.Value).AppendLine("writable_cgroups");
        }

        script.AppendLine("""
            dockerd > /var/log/dockerd.log 2>&1 &
            for _ in $(seq 240); do docker version >/dev/null 2>&1 && break; sleep 0.25; done
            docker version >/dev/null 2>&1 || { note "the node's dockerd did not start:"; tail -n 20 /var/log/dockerd.log; exit 1; }
            note "dockerd $(docker version --format '{{.Server.Version}}') running in the node, $(docker images -q | wc -l) image(s) in its cache"
            """);
        if (relay is var (loopback, target))
        {
            var listen = loopback.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"TCP6-LISTEN:{loopback.Port},bind=[{loopback.Address}]" : $"TCP-LISTEN:{loopback.Port},bind={loopback.Address}";
            script.AppendLine($"socat {listen},fork,reuseaddr TCP:{target.Address}:{target.Port} &");
            script.AppendLine($"note \"registry {loopback} reached through the batch's relay at {target}\"");
        }

        script.AppendLine("cd \"$CODEBUILD_SRC_DIR\"");
        if (cache is not null)
        {
            var paths = cache.Paths.Select(Directory).ToList();
            script.AppendLine($$"""
                key_of() { eval "printf '%s' \"$1\"" | tr '/ ' '__'; }
                key="$(key_of {{Quote(cache.Key ?? "default")}})"
                fallbacks=({{string.Join(' ', (cache.FallbackKeys ?? []).Select(Quote))}})
                paths=({{string.Join(' ', paths.Select(Quote))}})
                started=$EPOCHREALTIME
                found=""
                [[ -f "{{CacheFolder}}/$key.tar" ]] && found="$key"
                for fallback in "${fallbacks[@]}"; do
                  [[ -z "$found" ]] || break
                  newest="$(ls -t "{{CacheFolder}}/$(key_of "$fallback")"*.tar 2>/dev/null | head -n 1)"
                  [[ -z "$newest" ]] || found="$(basename "$newest" .tar)"
                done
                if [[ -n "$found" ]]; then
                  tar -xf "{{CacheFolder}}/$found.tar" && note "cache restored from $found in $(elapsed "$started") s" || note "cache: restoring $found failed"
                else
                  note "cache: nothing saved under $key or its fallback keys yet"
                fi
                """);
        }

        script.AppendLine($"""
            bash {Folder}/phases.sh
            status=$?
            note "phases ended with exit code $status"
            """);
        if (cache is not null)
        {
            script.AppendLine($$"""
                if [[ $status -eq 0 ]]; then
                  present=(); for path in "${paths[@]}"; do [[ -e "$path" ]] && present+=("$path"); done
                  started=$EPOCHREALTIME
                  partial="{{CacheFolder}}/.$key.$(hostname).partial"   # hostname: the container id ($$ is 1 in every node)
                  if tar -cf "$partial" "${present[@]}" && mv "$partial" "{{CacheFolder}}/$key.tar"; then
                    note "cache saved to $key in $(elapsed "$started") s (${present[*]})"
                  else
                    rm -f "$partial"; note "cache: saving $key failed"
                  fi
                fi
                """);
        }

        script.AppendLine("exit $status");
        return script.ToString();
    }

    // CodeBuild's path patterns name what is under a folder ('.dotnet/**/*'): the folder is what tar keeps.
    private static string Directory(string pattern)
    {
        foreach (var suffix in new[] { "/**/*", "/**", "/*" })
        {
            if (pattern.EndsWith(suffix, StringComparison.Ordinal))
            {
                return pattern[..^suffix.Length];
            }
        }

        return pattern;
    }

    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
