#!/usr/bin/env bash
# Runs inside the pristine container (tests/fresh-machine.sh): README's main command as a new user runs it, as root,
# then checks what it left: the prerequisites installed, the SDK from the bootstrap, the lists in the registry.
set -euo pipefail
source tests/fresh-machine/cgroups.sh
fail() { echo "in-machine: FAIL: $*" >&2; exit 1; }

# A cache must never hide a missing install step: this machine has none of what the job needs.
for tool in dotnet docker dockerd docker-registry mmdebstrap arch-test update-binfmts qemu-aarch64-static; do
  if command -v "$tool" >/dev/null 2>&1; then fail "the machine is not pristine: $tool is installed"; fi
done
[[ ! -e /usr/share/dotnet && ! -e /usr/lib/dotnet && ! -e .dotnet ]] || fail "the machine is not pristine: a .NET SDK is there"

./build.sh --target=Publish --matrix=dockerfiles/local.json --registry=127.0.0.1:5000 2>&1 | tee /tmp/publish.log
status=${PIPESTATUS[0]}
[[ $status -eq 0 ]] || fail "README's main command exited $status"

grep -q "installing the newest .* SDK into .dotnet/ with $DOTNET_INSTALL_SCRIPT_URL" /tmp/publish.log || fail "build.sh did not bootstrap the SDK through the stand-in"
grep -q "installed .NET SDK .* into .dotnet/" /tmp/publish.log || fail "build.sh did not report the SDK it installed"
for tool in dockerd docker-registry mmdebstrap arch-test update-binfmts qemu-aarch64-static; do
  command -v "$tool" >/dev/null || fail "Restore did not install $tool"
done
accept='application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.oci.image.index.v1+json'
for tag in 3.11 debian-python; do
  repo=python; [[ $tag == debian-python ]] && { repo=debian-python; tag=bookworm; }
  list="$(curl -fsS -H "Accept: $accept" "http://127.0.0.1:5000/v2/$repo/manifests/$tag")" || fail "the registry has no $repo:$tag"
  for arch in amd64 arm64; do
    grep -Eq "\"architecture\": *\"$arch\"" <<<"$list" || fail "$repo:$tag lists no $arch image: $list"
  done
done
echo "in-machine: PASS: Publish ran on a pristine machine; python:3.11 and debian-python:bookworm list amd64 and arm64" >&2
