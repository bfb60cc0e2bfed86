#!/usr/bin/env bash
# Builds the Frosting build program when its inputs changed, then runs it with every argument passed through.
# Usage: ./build.sh --target=BuildImage --arch=arm64v8   (./build.sh --help lists the options)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$root/.artifacts/build"
stamp="$out/.inputs.sha256"

# How the program is built (BUILD_PROGRAM): "composite" precompiles it with Cake and the .NET libraries for this
# machine (about 80 s once on 2 cores; then a run that builds nothing starts in ~0.35 s instead of ~0.6 s), "plain" is
# a normal build (about 8 s; every run compiles what it uses). A CodeBuild node is a fresh machine that runs the
# program once, so there the default is plain; elsewhere runs repeat, and composite pays for itself.
flavor="${BUILD_PROGRAM:-$([[ -n "${CODEBUILD_BUILD_ID:-}" ]] && echo plain || echo composite)}"
if [[ "$flavor" != composite && "$flavor" != plain ]]; then
  echo "build.sh: BUILD_PROGRAM='$flavor' is not a way to build the program; use composite or plain." >&2
  exit 2
fi
# Changing a build command below means changing this version, so that the program is rebuilt.
recipe="$flavor-1"
# The inputs: the build project's sources and the repo-wide MSBuild/SDK settings. Hashing contents (not mtimes)
# means a fresh checkout or a branch switch rebuilds exactly when something changed. build.ps1 computes the same hash.
inputs_hash() {
  (cd "$root" && find build -type f \( -name '*.cs' -o -name '*.csproj' -o -name "*.props" -o -name "*.targets" -o -name '*.json' \) \
      -not -path 'build/bin/*' -not -path 'build/obj/*' -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum; sha256sum global.json Directory.Build.props Directory.Build.targets
    echo "recipe: $recipe") | sha256sum | cut -d' ' -f1
}

# Nodes of a LocalBatch start ./build.sh at once: the first builds under the lock, the others wait and find it built.
mkdir -p "$out"
exec 9>"$root/.artifacts/.build.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

current="$(inputs_hash)"
if [[ ! -f "$out/Build.dll" || ! -f "$stamp" || "$(cat "$stamp")" != "$current" ]]; then
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "build.sh: the .NET SDK is not installed (dotnet not on PATH). Install .NET SDK 10 (see global.json), then rerun." >&2
    exit 127
  fi
  echo "build.sh: building the build program ($flavor; its sources changed)..." >&2
  rm -rf "$out" && mkdir -p "$out"
  # Composite: self-contained and ReadyToRun composite, so that a run JIT-compiles almost nothing. It needs the runtime
  # and Crossgen2 packages; where the feed lacks them, the plain build still works.
  if [[ "$flavor" == composite ]] && ! dotnet publish "$root/build/Build.csproj" --configuration Release --output "$out" --nologo --verbosity quiet \
      --use-current-runtime --self-contained true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true > "$out/.publish.log" 2>&1; then
    if grep -q "error CS" "$out/.publish.log"; then
      grep "error CS" "$out/.publish.log" | sort -u >&2
      echo "build.sh: the build program does not compile (full log in $out/.publish.log)." >&2
      exit 1
    fi
    echo "build.sh: the composite publish failed (log in $out/.publish.log); building it plain." >&2
    flavor=plain
  fi
  if [[ "$flavor" == plain ]]; then
    if ! dotnet build "$root/build/Build.csproj" --configuration Release --output "$out" --nologo --verbosity quiet -p:UseAppHost=false > "$out/.build.log" 2>&1; then
      cat "$out/.build.log" >&2
      echo "build.sh: the build program does not compile (log above, also in $out/.build.log)." >&2
      exit 1
    fi
  fi
  echo "$current" > "$stamp"
fi
exec 9>&-

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [[ -x "$out/Build" ]]; then
  exec "$out/Build" "$@"
fi
exec dotnet "$out/Build.dll" "$@"
