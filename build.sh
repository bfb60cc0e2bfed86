#!/usr/bin/env bash
# Builds the Frosting build program when its inputs changed, then runs it with every argument passed through.
# Usage: ./build.sh --target=BuildImage --arch=arm64v8   (./build.sh --help lists the options)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# ---- .NET SDK bootstrap -------------------------------------------------------------------------------------------
# As Cake's Frosting template does: when no SDK here satisfies global.json (its version and rollForward), install one
# into .dotnet/ in the repository (git-ignored) with Microsoft's dotnet-install script, and use it for this run only
# (PATH and DOTNET_ROOT of this process and its children). A system-wide SDK is never touched. The script comes from
# DOTNET_INSTALL_SCRIPT_URL (file:// works), by default Microsoft's official address. All in bash: a run that finds
# its SDK spends no process on it (the warm start matters).
dotnet_home="$root/.dotnet"
sdk_json="$(<"$root/global.json")"
sdk_json="${sdk_json#*\"sdk\"}"; sdk_json="${sdk_json%%\}*}"
sdk_want=""; sdk_roll=""; sdk_pre=true
[[ $sdk_json =~ \"version\"[[:space:]]*:[[:space:]]*\"([^\"]+)\" ]] && sdk_want="${BASH_REMATCH[1]}"
[[ $sdk_json =~ \"rollForward\"[[:space:]]*:[[:space:]]*\"([^\"]+)\" ]] && sdk_roll="${BASH_REMATCH[1]}"
[[ $sdk_json =~ \"allowPrerelease\"[[:space:]]*:[[:space:]]*false ]] && sdk_pre=false
sdk_roll="${sdk_roll:-latestPatch}"   # the SDK's default when global.json names a version
sdk_wm=0; sdk_wn=0; sdk_wp=0
if [[ -n "$sdk_want" ]]; then
  [[ "$sdk_want" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+) ]] \
    || { echo "build.sh: global.json's sdk.version '$sdk_want' is not a version like 10.0.100." >&2; exit 2; }
  sdk_wm="${BASH_REMATCH[1]}"; sdk_wn="${BASH_REMATCH[2]}"; sdk_wp="${BASH_REMATCH[3]}"
fi
case "$sdk_roll" in
  patch|latestPatch|feature|latestFeature|minor|latestMinor|major|latestMajor|disable) ;;
  *) echo "build.sh: global.json's sdk.rollForward '$sdk_roll' is not one of patch, feature, minor, major, latestPatch, latestFeature, latestMinor, latestMajor, disable." >&2; exit 2 ;;
esac

# sdk_accepts VERSION: whether global.json accepts an installed SDK of that version (the SDK's own roll-forward rules).
sdk_accepts() {
  [[ -z "$sdk_want" ]] && return 0
  [[ "$1" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)(-.*)?$ ]] || return 1
  local m="${BASH_REMATCH[1]}" n="${BASH_REMATCH[2]}" p="${BASH_REMATCH[3]}" pre="${BASH_REMATCH[4]}"
  [[ -n "$pre" && "$sdk_pre" == false ]] && return 1
  # A prerelease is older than the release of the same number.
  [[ -n "$pre" && "$sdk_want" != *-* && "$m.$n.$p" == "$sdk_wm.$sdk_wn.$sdk_wp" ]] && return 1
  case "$sdk_roll" in
    disable) [[ "$1" == "$sdk_want" ]] ;;
    patch|latestPatch) (( m == sdk_wm && n == sdk_wn && p / 100 == sdk_wp / 100 && p >= sdk_wp )) ;;
    feature|latestFeature) (( m == sdk_wm && n == sdk_wn && p >= sdk_wp )) ;;
    minor|latestMinor) (( m == sdk_wm && (n > sdk_wn || (n == sdk_wn && p >= sdk_wp)) )) ;;
    major|latestMajor) (( m > sdk_wm || (m == sdk_wm && (n > sdk_wn || (n == sdk_wn && p >= sdk_wp))) )) ;;
  esac
}
# sdk_found DOTNET_ROOT: prints the first SDK there that global.json accepts; fails when there is none.
sdk_found() {
  local sdk version
  for sdk in "$1"/sdk/*/dotnet.dll; do
    [[ -f "$sdk" ]] || continue
    version="${sdk%/dotnet.dll}"; version="${version##*/}"
    if sdk_accepts "$version"; then echo "$version"; return 0; fi
  done
  return 1
}
sdk_listed() { local s v=(); for s in "$1"/sdk/*/dotnet.dll; do [[ -f "$s" ]] && { s="${s%/dotnet.dll}"; v+=("${s##*/}"); }; done; echo "${v[*]:-none}"; }
# .dotnet/ counts only once an install into it finished, for this machine's CPU (a CodeBuild cache restore may bring
# another architecture's).
sdk_local_ok() { [[ -f "$dotnet_home/.complete" && "$(<"$dotnet_home/.complete")" == "$HOSTTYPE" && -x "$dotnet_home/dotnet" ]] && sdk_found "$dotnet_home" >/dev/null; }
sdk_use_local() { export DOTNET_ROOT="$dotnet_home" PATH="$dotnet_home:$PATH"; }

sdk_install() {
  local url="${DOTNET_INSTALL_SCRIPT_URL:-https://dot.net/v1/dotnet-install.sh}" what args script log started error
  # The SDK to ask for: the newest that rollForward allows, so that it carries the latest fixes.
  case "$sdk_roll" in
    disable) args=(--version "$sdk_want"); what="$sdk_want" ;;
    patch|latestPatch|feature) args=(--channel "$sdk_wm.$sdk_wn.$((sdk_wp / 100))xx"); what="the newest $sdk_wm.$sdk_wn.$((sdk_wp / 100))xx" ;;
    *) args=(--channel "$sdk_wm.$sdk_wn"); what="the newest $sdk_wm.$sdk_wn" ;;
  esac
  [[ -z "$sdk_want" ]] && { args=(--channel LTS); what="the newest LTS"; }
  local by_hand="Install the .NET SDK by hand (https://dotnet.microsoft.com/download; global.json asks for ${sdk_want:-any version}, rollForward $sdk_roll), or set DOTNET_INSTALL_SCRIPT_URL to a dotnet-install.sh you can reach (a file:// URL works), then rerun."
  echo "build.sh: no .NET SDK on this machine satisfies global.json (${sdk_want:-any}, rollForward $sdk_roll; dotnet on PATH: $([[ -n "$sdk_system" ]] && echo "$(sdk_listed "$sdk_system") in $sdk_system" || echo none))." >&2
  echo "build.sh: installing $what SDK into .dotnet/ with $url (for this repository only; nothing system-wide changes)..." >&2
  started="${EPOCHREALTIME//[.,]/}"
  rm -rf "$dotnet_home" && mkdir -p "$dotnet_home"
  script="$dotnet_home/dotnet-install.sh"; log="$dotnet_home/install.log"
  case "$url" in
    file://*) script="${url#file://}"   # run in place: a local script may bring its payload from beside it
       [[ -r "$script" ]] || { echo "build.sh: cannot read the .NET install script at $url (no such readable file). $by_hand" >&2; exit 1; } ;;
    *) if command -v curl >/dev/null 2>&1; then error="$(curl -fsSL --retry 2 --connect-timeout 20 -o "$script" "$url" 2>&1)"
       else error="$(wget -q -T 20 -O "$script" "$url" 2>&1)"; fi \
         || { echo "build.sh: could not download the .NET install script from $url: ${error:-no curl or wget}. $by_hand" >&2; exit 1; } ;;
  esac
  if ! bash "$script" "${args[@]}" --install-dir "$dotnet_home" --no-path > "$log" 2>&1; then
    grep -v '^[[:space:]]*$' "$log" | tail -n 8 | sed 's/^/  /' >&2
    echo "build.sh: the .NET install script ($url) failed (log above, all of it in $log). $by_hand" >&2
    exit 1
  fi
  local version
  if ! version="$(sdk_found "$dotnet_home")"; then
    echo "build.sh: the .NET install script finished, but .dotnet/ holds no SDK that global.json accepts (found: $(sdk_listed "$dotnet_home")). $by_hand" >&2
    exit 1
  fi
  echo "$HOSTTYPE" > "$dotnet_home/.complete"
  local tenths=$(( (${EPOCHREALTIME//[.,]/} - started) / 100000 ))
  echo "build.sh: installed .NET SDK $version into .dotnet/ in $((tenths / 10)).$((tenths % 10)) s." >&2
}

if sdk_system="$(command -v dotnet 2>/dev/null)"; then
  sdk_system="$(readlink -f "$sdk_system")"; sdk_system="${sdk_system%/*}"
fi
if [[ -n "$sdk_system" && "$sdk_system" != "$dotnet_home" ]] && sdk_found "$sdk_system" >/dev/null; then
  :   # the machine's own SDK will do
elif sdk_local_ok; then
  sdk_use_local
else
  # Nodes of a LocalBatch start ./build.sh at once: one installs, the others wait and find it installed.
  mkdir -p "$root/.artifacts"
  exec 8>"$root/.artifacts/.dotnet.lock"
  if command -v flock >/dev/null 2>&1; then flock 8; fi
  sdk_local_ok || sdk_install
  exec 8>&-
  sdk_use_local
fi
# The SDK needs ICU unless globalization is invariant (the program itself is); a fresh Debian has no libicu.
if [[ -z "${DOTNET_SYSTEM_GLOBALIZATION_INVARIANT:-}" ]] && ! compgen -G '/usr/lib*/libicuuc.so.*' >/dev/null && ! compgen -G '/usr/lib/*/libicuuc.so.*' >/dev/null; then
  export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
fi
export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}" DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}" DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# In a CodeBuild node, NuGet's packages go to a folder of the checkout, so that the buildspecs' cache paths can name it.
if [[ -n "${CODEBUILD_BUILD_ID:-}" && -z "${NUGET_PACKAGES:-}" ]]; then export NUGET_PACKAGES="$root/.nuget/packages"; fi
# ---- end of the SDK bootstrap -------------------------------------------------------------------------------------
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
  # Says what it does and about how long it takes (the first build on a machine also downloads NuGet packages).
  case "$flavor" in
    composite) expect="about 80 s on 2 cores, once for these sources; the runs after it start in a third of a second" ;;
    *) expect="about 10 to 30 s, once for these sources" ;;
  esac
  echo "build.sh: building the build program ($flavor: $expect) because its sources changed..." >&2
  build_started=$SECONDS
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
  echo "build.sh: built the build program ($flavor) in $((SECONDS - build_started)) s." >&2
fi
exec 9>&-

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [[ -x "$out/Build" ]]; then
  exec "$out/Build" "$@"
fi
exec dotnet "$out/Build.dll" "$@"
