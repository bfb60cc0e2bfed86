#!/usr/bin/env bash
# Builds the Frosting build program when its inputs changed, then runs it with every argument passed through.
# Usage: ./build.sh --target=BuildImage --arch=arm64v8   (./build.sh --help lists the options)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$root/.artifacts/build"
stamp="$out/.inputs.sha256"

# The inputs: the build project's sources and the repo-wide MSBuild/SDK settings. Hashing contents (not mtimes)
# means a fresh checkout or a branch switch rebuilds exactly when something changed.
inputs_hash() {
  (cd "$root" && find build -type f \( -name '*.cs' -o -name '*.csproj' -o -name "*.props" -o -name "*.targets" -o -name '*.json' \) \
      -not -path 'build/bin/*' -not -path 'build/obj/*' -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum; sha256sum global.json Directory.Build.props Directory.Build.targets) | sha256sum | cut -d' ' -f1
}

# Nodes of a LocalBatch start ./build.sh at once: the first builds under the lock, the others wait and find it built.
mkdir -p "$out"
exec 9>"$out/.build.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

current="$(inputs_hash)"
if [[ ! -f "$out/Build.dll" || ! -f "$stamp" || "$(cat "$stamp")" != "$current" ]]; then
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "build.sh: the .NET SDK is not installed (dotnet not on PATH). Install .NET SDK 10 (see global.json), then rerun." >&2
    exit 127
  fi
  echo "build.sh: building the build program (its sources changed)..." >&2
  mkdir -p "$out"
  if ! dotnet build "$root/build/Build.csproj" --configuration Release --output "$out" --nologo --verbosity quiet -p:UseAppHost=false > "$out/.build.log" 2>&1; then
    cat "$out/.build.log" >&2
    echo "build.sh: the build program does not compile (log above, also in $out/.build.log)." >&2
    exit 1
  fi
  echo "$current" > "$stamp"
fi
exec 9>&-

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet "$out/Build.dll" "$@"
