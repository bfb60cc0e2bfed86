#!/usr/bin/env bash
# Builds the Frosting build program when its inputs changed, then runs it with every argument passed through.
# Usage: ./build.sh --target=BuildImage --arch=arm64v8   (./build.sh --help lists the options)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
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
  (cd "$root" && find build -type f \( -name '*.cs' -o -name '*.csproj' -o -name "*.props" -o -name "*.targets" -o -name '*.json' \) \
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
build_plain() {
  local tmp="$out/.tmp-plain-$1-$BASHPID"
  rm -rf "$tmp" && mkdir -p "$tmp"
  if ! dotnet build "$root/build/Build.csproj" --configuration Release --output "$tmp" --nologo --verbosity quiet -p:UseAppHost=false > "$out/plain-$1.log" 2>&1 \
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
