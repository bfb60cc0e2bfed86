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

# How the program is built (BUILD_PROGRAM):
# - unset (the default): run what is built for these sources, the composite when there is one. When nothing is, a plain
#   `dotnet build` (about 10 s) runs at once; then, outside CodeBuild and CI (where a machine runs the program once),
#   the composite is compiled in the background (niced, about 2 min on 2 cores) for the runs after it.
# - composite: self-contained, ReadyToRun composite with Cake and the .NET libraries, so a run JIT-compiles almost
#   nothing (~0.35 s warm start instead of ~0.6 s); built now, waiting for it.
# - plain: the plain build only.
# Each build goes to a folder of its own, .artifacts/build/<flavour>-<inputs hash>, moved into place whole: a running
# program's folder is never rebuilt under it (LocalBatch nodes run ./build.sh while their parent program runs).
requested="${BUILD_PROGRAM:-}"
if [[ -n "$requested" && "$requested" != composite && "$requested" != plain ]]; then
  echo "build.sh: BUILD_PROGRAM='$requested' is not a way to build the program; use composite or plain (or leave it unset)." >&2
  exit 2
fi
# Changing a build command below means changing this version, so that the program is rebuilt.
recipe=2
# The inputs: the build project's sources and the repo-wide MSBuild/SDK settings. Hashing contents (not mtimes)
# means a fresh checkout or a branch switch rebuilds exactly when something changed. build.ps1 computes the same hash.
inputs_hash() {
  (cd "$root" && find build -type f \( -name '*.cs' -o -name '*.csproj' -o -name "*.props" -o -name "*.targets" -o -name '*.json' -o -name '*.sh' \) \
      -not -path 'build/bin/*' -not -path 'build/obj/*' -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum; sha256sum global.json Directory.Build.props Directory.Build.targets
    echo "recipe: $recipe") | sha256sum | cut -d' ' -f1
}
has_flock() { command -v flock >/dev/null 2>&1; }
# A finished build's folder (a killed one can leave a folder without them).
is_program() { [[ -f "$1/Build.dll" && -f "$1/Build.deps.json" && -f "$1/Build.runtimeconfig.json" ]]; }
# place TMP FOLDER: moves a finished build into place, unless another build got there first (the same program).
place() {
  if is_program "$2"; then rm -rf "$1"; return; fi
  rm -rf "$2" && mv -T "$1" "$2"
}

# build_plain HASH, build_composite HASH: build into a temporary folder, then move it into place whole.
# A CodeBuild node compiles the program only to run it: the analyzers (code style, warnings as errors) ran where the
# change was made and in CI, and skipping them here takes a third off a cold node's compile. The IL is the same.
build_plain() {
  local tmp="$out/.tmp-plain-$1-$BASHPID" lint=()
  [[ -n "${CODEBUILD_BUILD_ID:-}" ]] && lint=(-p:RunAnalyzers=false)
  rm -rf "$tmp" && mkdir -p "$tmp"
  if ! dotnet build "$root/build/Build.csproj" --configuration Release --output "$tmp" --nologo --verbosity quiet -p:UseAppHost=false ${lint[@]+"${lint[@]}"} > "$out/plain-$1.log" 2>&1 \
      || ! is_program "$tmp"; then
    rm -rf "$tmp"
    cat "$out/plain-$1.log" >&2
    echo "build.sh: the build program does not compile (log above, also in $out/plain-$1.log)." >&2
    return 1
  fi
  place "$tmp" "$out/plain-$1"
}
# Returns 2 when the sources do not compile, 1 when the publish failed otherwise (e.g. the feed lacks the runtime or
# Crossgen2 packages: the plain build still works). Its own obj/ (--artifacts-path), so that it never races a plain build,
# made afresh: a composite is compiled whole anyway, and a killed compile leaves an obj/ that the next one trusts.
build_composite() {
  local tmp="$out/.tmp-composite-$1-$BASHPID" log="$out/composite-$1.log"
  rm -rf "$tmp" "$out/.obj-composite" && mkdir -p "$tmp"
  if ! nice -n "${2:-0}" dotnet publish "$root/build/Build.csproj" --configuration Release --output "$tmp" --nologo --verbosity quiet \
      --artifacts-path "$out/.obj-composite" --disable-build-servers --use-current-runtime --self-contained true \
      -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true > "$log" 2>&1 || ! is_program "$tmp"; then
    rm -rf "$tmp"
    grep -q "error CS" "$log" && return 2
    echo "$log" > "$out/composite-$1.failed"
    return 1
  fi
  rm -f "$out/composite-$1.failed"
  place "$tmp" "$out/composite-$1"
}
# prune HASH: removes the programs of other sources that no running program uses (it holds a shared lock on its
# Build.dll), and what a killed build left. Called under the build lock.
prune() {
  local entry pid
  for entry in "$out"/.tmp-*; do
    [[ -e "$entry" ]] && ! kill -0 "${entry##*-}" 2>/dev/null && rm -rf "$entry"
  done
  rm -f "$out"/.inputs.sha256 "$out"/.publish.log "$out"/.build.log   # the single-folder layout before recipe 2
  for entry in "$out"/*; do
    [[ -e "$entry" && "$entry" != *"-$1"* ]] || continue
    if [[ -d "$entry" && -f "$entry/Build.dll" ]]; then
      { flock -xn 6 && rm -rf "$entry"; } 6<"$entry/Build.dll" || true
    else
      rm -rf "$entry"   # logs, markers, and the files of the single-folder layout
    fi
  done
}

# pick: the program built for these sources, in the order of preference, if any.
pick() {
  program=""
  for flavour in ${requested:-composite plain}; do
    is_program "$out/$flavour-$hash" && { program="$out/$flavour-$hash"; return 0; }
  done
  return 0   # none: the caller builds it
}
# hold: a shared lock on the program for as long as it runs (the open file passes through exec), so that no prune
# removes it; false when a prune removed it just before.
hold() {
  [[ -f "$program/Build.dll" ]] || return 1
  exec 8<"$program/Build.dll"
  if has_flock; then flock -s 8; fi
  is_program "$program"
}

mkdir -p "$out"
hash="$(inputs_hash)"
# A folder in place is finished and never changes: a run whose program is built needs no lock to find it (nor to wait
# for a build of other sources or another flavour).
pick
if [[ -z "$program" ]] || ! hold; then
# Nodes of a LocalBatch start ./build.sh at once: the first builds under the lock, the others wait and find it built.
exec 9>"$root/.artifacts/.build.lock"
if has_flock; then flock 9; fi
pick
if [[ -z "$program" ]]; then
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "build.sh: the .NET SDK is not installed (dotnet not on PATH). Install .NET SDK 10 (see global.json), then rerun." >&2
    exit 127
  fi
  flavour="${requested:-plain}"
  started=$SECONDS
  # One composite compile at a time: wait for a background one, which may be building this very program.
  if [[ "$flavour" == composite ]] && has_flock; then
    exec 7>"$root/.artifacts/.composite.lock"
    if ! flock -n 7; then
      echo "build.sh: waiting for the composite build running in the background (log in $out/composite-*.log)..." >&2
      flock 7
    fi
  fi
  if [[ "$flavour" == composite ]] && is_program "$out/composite-$hash"; then
    :
  elif [[ "$flavour" == composite ]]; then
    echo "build.sh: building the build program (composite: precompiled with Cake and .NET, about 2 min on 2 cores, once per change of build/)..." >&2
    build_composite "$hash" && status=0 || status=$?
    if [[ $status -eq 2 ]]; then
      grep "error CS" "$out/composite-$hash.log" | sort -u >&2
      echo "build.sh: the build program does not compile (full log in $out/composite-$hash.log)." >&2
      exit 1
    elif [[ $status -ne 0 ]]; then
      echo "build.sh: the composite publish failed (log in $out/composite-$hash.log); building it plain." >&2
      flavour=plain
    fi
  fi
  exec 7>&-
  if [[ "$flavour" == plain ]] && ! is_program "$out/plain-$hash"; then
    echo "build.sh: building the build program (plain: dotnet build, about 10 s; its sources changed)..." >&2
    build_plain "$hash" || exit 1
  fi
  echo "build.sh: built in $((SECONDS - started)) s." >&2
  program="$out/$flavour-$hash"
  if has_flock; then prune "$hash"; fi

  # The composite for the runs after this one: only where runs repeat, one compile at a time, niced, after this run.
  if [[ -z "$requested" && -z "${CODEBUILD_BUILD_ID:-}" && -z "${CI:-}" && ! -e "$out/composite-$hash.failed" ]] && has_flock; then
    echo "build.sh: compiling the faster composite program in the background for the next runs (niced, about 2 min; log in $out/composite-$hash.log; BUILD_PROGRAM=plain skips it)." >&2
    run_pid=$$
    (
      exec 9>&- </dev/null >/dev/null 2>&1
      while kill -0 "$run_pid" 2>/dev/null; do sleep 1; done
      exec 7>"$root/.artifacts/.composite.lock"
      flock -n 7 || exit 0   # another one runs; it checks the sources again when it is done
      while h="$(inputs_hash)" && ! is_program "$out/composite-$h" && [[ ! -e "$out/composite-$h.failed" ]]; do
        build_composite "$h" 19 || exit 0
        { flock -n 9 && prune "$h"; } 9>"$root/.artifacts/.build.lock" || true   # never waits: a build.sh may wait on 7
      done
    ) &
  fi
fi
hold
exec 9>&-
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [[ -x "$program/Build" ]]; then
  exec "$program/Build" "$@"
fi
exec dotnet "$program/Build.dll" "$@"
