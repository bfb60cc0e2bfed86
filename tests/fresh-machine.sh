#!/usr/bin/env bash
# The fresh-machine test (run by .ci/run). In containers made from a pristine Debian bookworm (no .NET, none of the
# prerequisites; see tests/fresh-machine/lib.sh), as root:
#   1. README's main command, `./build.sh --target=Publish --matrix=dockerfiles/local.json --registry=127.0.0.1:5000`:
#      the SDK comes through build.sh's bootstrap from a local stand-in of dotnet-install.sh (never the real address),
#      Restore installs the prerequisites with apt-get and starts dockerd and the registry, BaseImage makes both root
#      filesystems with mmdebstrap (arm64 under qemu: 10-15 minutes on 2 cores), and the lists must be in the registry.
#   2. A CodeBuild build node (`./build.sh --target=PushImage`, ARCH=amd64) twice, each in a fresh container: the first
#      without .NET (it bootstraps the SDK, compiles the program, pushes its image); then the cache paths that
#      buildspecs/build.yml declares are saved and restored into the second, at another source path, as CodeBuild's S3
#      cache does. The second must install nothing, restore nothing, compile nothing, and push its image.
# Needs root, docker, mmdebstrap (tests/prepare.sh) and dotnet (its SDK is the stand-in's payload).
# FRESH_MACHINE_PARTS="1" (or "2") runs one part only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/fresh-machine-XXXXXX)"
# shellcheck source=tests/fresh-machine/lib.sh
source "$root/tests/fresh-machine/lib.sh"
trap 'fm_cleanup; rm -rf "$work"' EXIT
started=$SECONDS
fail() { fm_log "FAIL: $*"; exit 1; }

fm_prepare_feed
pristine="$(fm_pristine_image)"
node_image="$(fm_node_image)"

parts="${FRESH_MACHINE_PARTS:-1 2}"
if [[ " $parts " == *" 1 "* ]]; then
# 1. README's main command on a pristine machine. Its root filesystems stay in $work for part 2 (never across runs:
#    each run makes them afresh, since that is what a fresh machine does and where arch-test was missing).
fm_source "$work/machine"
mkdir -p "$work/images-cache"
fm_log "1. README's main command in a pristine container (logs: $work/machine.log)..."
part=$SECONDS
fm_run "$fm_prefix-machine-$$" "$pristine" -v "$work/machine:/src" -w /src -v "$work/images-cache:/root/.cache/python-images" \
  -- bash tests/fresh-machine/in-machine.sh > "$work/machine.log" 2>&1 \
  || { tail -n 40 "$work/machine.log" >&2; fail "README's main command failed on a pristine machine (last lines above)"; }
grep 'in-machine: PASS' "$work/machine.log" >&2
fm_log "1. passed in $((SECONDS - part)) s."
fi
[[ " $parts " == *" 2 "* ]] || { fm_log "PASS in $((SECONDS - started)) s (part $parts)."; exit 0; }

# 2. A build node twice, the second with the CodeBuild cache restored.
cache_paths=()
while read -r path; do cache_paths+=("${path%/\*\*/\*}"); done < <(
  awk '/^cache:/ { c = 1; next } c && /^[^ ]/ { c = 0 } c && /^  paths:/ { p = 1; next } c && p && /^  - / { sub(/^  - /, ""); gsub(/["'"'"']/, ""); print; next } p && !/^  - / { p = 0 }' \
    "$root/buildspecs/build.yml")
[[ ${#cache_paths[@]} -gt 0 ]] || fail "buildspecs/build.yml declares no cache paths"
fm_log "2. CodeBuild node without .NET, then again with the cache paths restored (${cache_paths[*]})..."
# The nodes reuse part 1's root filesystems (part 2 alone: this machine's, from the suite's runs).
rootfs=()
images_cache="$work/images-cache"
compgen -G "$images_cache/bookworm-*.tar" >/dev/null || images_cache="${PYTHON_IMAGES_CACHE:-$HOME/.cache/python-images}"
for tar in "$images_cache"/bookworm-*.tar; do [[ -f "$tar" ]] && rootfs+=(-v "$tar:/root/.cache/python-images/${tar##*/}:ro"); done
node() { # node N: the node in a fresh container, its checkout at another path each time (as CodeBuild's are)
  local src="/codebuild/output/src$1/src/python-images"
  fm_run "$fm_prefix-node$1-$$" "$node_image" -v "$work/node$1:$src" -w "$src" "${rootfs[@]}" \
    -- bash tests/fresh-machine/codebuild-node.sh > "$work/node$1.log" 2>&1 \
    || { tail -n 40 "$work/node$1.log" >&2; fail "the CodeBuild node $1 failed (last lines above)"; }
  grep 'node-timing' "$work/node$1.log" >&2
}
fm_source "$work/node1"
node 1
grep -q "installed .NET SDK .* into .dotnet/" "$work/node1.log" || fail "node 1 did not bootstrap the SDK"
grep -q "building the build program" "$work/node1.log" || fail "node 1 did not build the program"
grep -q "Pushed 127.0.0.1:5000/python:3.11" "$work/node1.log" || fail "node 1 pushed nothing"

# CodeBuild's S3 cache: the declared paths are saved at the end of a build and restored before the next one's phases.
(cd "$work/node1" && tar -cf "$work/codebuild-cache.tar" "${cache_paths[@]}")
fm_source "$work/node2"
tar -xf "$work/codebuild-cache.tar" -C "$work/node2"
# The built programs (one folder per flavour and sources hash) and their times: a rebuild would add or replace one.
programs() { (cd "$work/node2/.artifacts/build" && stat -c '%n %Y' */Build.dll); }
programs_before="$(programs)"
[[ -n "$programs_before" ]] || fail "the cache holds no built program"
node 2
! grep -q "SDK into .dotnet/" "$work/node2.log" || fail "node 2 installed the SDK again despite the restored cache"
! grep -q "building the build program" "$work/node2.log" || fail "node 2 compiled the program again despite the restored cache"
[[ ! -e "$work/node2/build/obj" ]] || fail "node 2 ran a NuGet restore (build/obj exists)"
[[ "$(programs)" == "$programs_before" ]] || fail "node 2 rebuilt the program"
grep -q "Pushed 127.0.0.1:5000/python:3.11" "$work/node2.log" || fail "node 2 pushed nothing"
[[ " $parts " == *" 1 "* ]] && fm_log "PASS: 1. README's main command on a pristine machine."
fm_log "PASS: 2. a CodeBuild node bootstrapping its SDK; a node with the cache restored that installs, restores and compiles nothing."
fm_log "PASS in $((SECONDS - started)) s."
