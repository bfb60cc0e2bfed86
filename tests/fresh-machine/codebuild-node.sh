#!/usr/bin/env bash
# Runs inside a CodeBuild-node container (tests/fresh-machine.sh, bench/run.sh): what a build node of the batch does,
# from the start of its build phase. As CodeBuild's privileged images do, dockerd runs before the phase starts; the
# node's registry on 127.0.0.1:5000 stands for the remote one a real node pushes to. Prints one line
# "node-timing: first-docker=<s> sdk-install=<s> total=<s>", seconds from the phase's start.
set -euo pipefail
source tests/fresh-machine/cgroups.sh
dockerd > /var/log/dockerd.log 2>&1 &
mkdir -p /tmp/registry && sed 's#/tmp/python-images-registry#/tmp/registry#' tests/registry.yml > /tmp/registry.yml
# NODE_REGISTRY_SEED (bench): a registry's storage to start from, as a real registry holds what earlier batches pushed
# (the base); a missing file is made from this node's registry at its end, without the node's own images.
seed="${NODE_REGISTRY_SEED:-}"
[[ -n "$seed" && -f "$seed" ]] && tar -xf "$seed" -C /tmp/registry
docker-registry serve /tmp/registry.yml > /tmp/registry.log 2>&1 &
for _ in $(seq 120); do docker version >/dev/null 2>&1 && curl -fs http://127.0.0.1:5000/v2/ >/dev/null && break; sleep 0.5; done

# The first docker command the node runs, timed by a docker on PATH that notes when it is first called.
mkdir -p /tmp/shim
cat > /tmp/shim/docker <<'SHIM'
#!/bin/bash
[[ -e /tmp/first-docker ]] || echo "$EPOCHREALTIME $*" > /tmp/first-docker
exec /usr/bin/docker "$@"
SHIM
chmod +x /tmp/shim/docker
export PATH="/tmp/shim:$PATH"

export ARCH=amd64 VERSION=3.11 CODEBUILD_BUILD_ID="python-images:$RANDOM" CODEBUILD_BATCH_BUILD_IDENTIFIER=amd64_py311
export CODEBUILD_RESOLVED_SOURCE_VERSION="$(git rev-parse HEAD)" CODEBUILD_SRC_DIR="$PWD"
start=$EPOCHREALTIME
./build.sh --target=PushImage --registry=127.0.0.1:5000 --use-date --matrix=dockerfiles/local.json 2>&1 | tee /tmp/node.log
status=${PIPESTATUS[0]}
end=$EPOCHREALTIME
[[ $status -eq 0 ]] || { echo "codebuild-node: ./build.sh --target=PushImage exited $status" >&2; exit "$status"; }
if [[ -n "$seed" && ! -f "$seed" ]]; then
  rm -rf /tmp/registry/docker/registry/v2/repositories/python && tar -cf "$seed" -C /tmp/registry docker
fi
first="$(cut -d' ' -f1 /tmp/first-docker 2>/dev/null || echo "$end")"
sdk="$(sed -n 's/.*installed .NET SDK .* into .dotnet\/ in \([0-9.]*\) s\..*/\1/p' /tmp/node.log)"
echo "codebuild-node: first docker command: $(cut -d' ' -f2- /tmp/first-docker 2>/dev/null)" >&2
awk -v s="$start" -v f="$first" -v e="$end" -v d="${sdk:-0}" 'BEGIN { printf "node-timing: first-docker=%.2f sdk-install=%.2f total=%.2f\n", f - s, d, e - s }'
