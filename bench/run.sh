#!/usr/bin/env bash
# Benchmarks of the build suite against the original buildspec's shell commands, measured side by side in one run
# (each iteration runs the suite and the baseline back to back, alternating which goes first), medians over RUNS.
# Writes bench/results.md (the table README shows). Needs what tests/run.sh needs: dockerd, docker-registry, dotnet.
#
#   bench/run.sh            # RUNS=5 (warm start: WARM_RUNS=10)
#   RUNS=3 bench/run.sh
#   BENCH_LOGS=/tmp/logs bench/run.sh   # keeps every measured command's output
#
# Every node starts with an empty Docker cache, as a CodeBuild node does: the bench starts a Docker engine of its own
# (its own data root, socket and bridge; needs root) and empties it before each measured node
# (docker system prune -af on that engine only), so each build pulls its base from the registry. The machine's
# own engine and its images are left alone.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-5}"
warm_runs="${WARM_RUNS:-10}"
out="$root/bench/results.md"
work="$(mktemp -d /tmp/bench-XXXXXX)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NO_COLOR=1

# A loopback registry of the bench's own, on a free port.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
registry="127.0.0.1:$port"
mkdir -p "$work/registry"
cat > "$work/registry/config.yml" <<YAML
version: 0.1
log: { level: error, accesslog: { disabled: true } }
storage: { filesystem: { rootdirectory: $work/registry/data }, delete: { enabled: true } }
http: { addr: $registry }
YAML
docker-registry serve "$work/registry/config.yml" > "$work/registry/log" 2>&1 &
registry_pid=$!

# A Docker engine of the bench's own, emptied before every node. It gets a bridge of its own: with --bridge=none
# dockerd deletes the host's default docker0 bridge, which breaks the machine's main engine.
mkdir -p "$work/docker"
bench_bridge=pybench$$
ip link add "$bench_bridge" type bridge
ip addr add 10.213.$(( $$ % 250 )).1/24 dev "$bench_bridge"
ip link set "$bench_bridge" up
dockerd --data-root "$work/docker/data" --exec-root "$work/docker/exec" --pidfile "$work/docker/pid" \
  --host "unix://$work/docker/sock" --bridge="$bench_bridge" --iptables=false --ip-masq=false > "$work/docker/log" 2>&1 &
dockerd_pid=$!
export DOCKER_HOST="unix://$work/docker/sock"
cleanup() {
  kill "$registry_pid" 2>/dev/null || true
  kill "$dockerd_pid" 2>/dev/null && wait "$dockerd_pid" 2>/dev/null || true
  ip link delete "$bench_bridge" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 50); do curl -fs "http://$registry/v2/" >/dev/null && break; sleep 0.1; done
for _ in $(seq 100); do docker version >/dev/null 2>&1 && break; sleep 0.2; done

# The image: dockerfiles/debian.Dockerfile on the Debian base the suite makes (cached) and publishes to the registry,
# for amd64 and arm64v8 (the manifest node joins both, as the original one did). (b') uses the same file plus a COPY
# of the bench's context file, so that every fresh image has a filesystem of its own.
ctx="$work/ctx"
mkdir -p "$ctx"
cp "$root/dockerfiles/debian.Dockerfile" "$ctx/"
{ cat "$root/dockerfiles/debian.Dockerfile"; echo 'COPY run-id.txt /etc/bench-run-id'; } > "$ctx/copy.Dockerfile"
matrix() {
  cat <<JSON
{ "repository": "python",
  "base": { "repository": "debian-python", "tag": "bookworm", "suite": "bookworm", "packages": ["python3", "python3-pip", "python-is-python3"] },
  "images": [ { "version": "3.11", "dockerfile": "$1", "architectures": ["amd64", "arm64v8"],
                "buildArgs": { "BASE_IMAGE": "{registry}/debian-python:bookworm" } } ] }
JSON
}
matrix debian.Dockerfile > "$ctx/images.json"
matrix copy.Dockerfile | sed 's/"python"/"python-copy"/' > "$ctx/copy.json"
# (s), (s'): the nodes of (b) and (b') with and without a signing key, each pair in repositories of its own (so that a
# signed node's previous image is a signed one, as in a batch that always signs). The key is the bench's own.
for kind in signed unsigned; do
  matrix debian.Dockerfile | sed "s/\"python\"/\"python-$kind\"/" > "$ctx/$kind.json"
  matrix copy.Dockerfile | sed "s/\"python\"/\"python-copy-$kind\"/" > "$ctx/copy-$kind.json"
done
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/cosign.key.pem" 2>/dev/null
base="$registry/debian-python:bookworm"

"$root/build.sh" --description > /dev/null   # builds the program once if its sources changed
"$root/build.sh" --target=BaseImage --matrix="$ctx/images.json" --registry="$registry" --install-prerequisites=false > "$work/base.log" 2>&1 \
  || { cat "$work/base.log"; exit 1; }

now() { date +%s.%N; }
# time_of CMD...: seconds the command took; its output goes to $work/last.log, a failure stops the bench.
time_of() {
  local start end
  start=$(now)
  if ! "$@" > "$work/last.log" 2>&1; then cat "$work/last.log" >&2; echo "bench: failed: $*" >&2; exit 1; fi
  end=$(now)
  if [[ -n "${BENCH_LOGS:-}" ]]; then mkdir -p "$BENCH_LOGS"; cp "$work/last.log" "$BENCH_LOGS/$(date +%s%N).log"; fi
  echo "$end - $start" | bc -l
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# An empty Docker cache: the bench's own engine loses every image and container.
empty_cache() { docker system prune -af > /dev/null; rm -rf "$HOME/.docker/manifests"/*127.0.0.1_"$port"* 2>/dev/null || true; }

suite() { "$root/build.sh" --matrix="$ctx/images.json" --registry="$registry" --install-prerequisites=false "$@"; }
# The original buildspec's build node (one arch, one version) and manifest node, for the same Dockerfile.
shell_node() {
  local tag="$registry/${2:-python}:3.11.$1-amd64"
  docker build --platform linux/amd64 --build-arg VERSION=3.11 --build-arg ARCH=amd64 --build-arg BASE_IMAGE="$base" \
    -t "$tag" -f "$ctx/${3:-debian.Dockerfile}" "$ctx" && docker push "$tag"
}
# The original manifest node made the same two lists as the suite, version.suffix and version, each over both arches.
shell_manifest() {
  local images="$registry/python:3.11.$1" list
  for list in "$registry/python:3.11.$1" "$registry/python:3.11"; do
    docker manifest rm "$list" > /dev/null 2>&1 || true
    docker manifest create --insecure "$list" "$images-amd64" "$images-arm64v8" &&
      docker manifest annotate --os linux --arch amd64 "$list" "$images-amd64" &&
      docker manifest annotate --os linux --arch arm64 --variant v8 "$list" "$images-arm64v8" &&
      docker manifest push --insecure --purge "$list" || return 1
  done
}

declare -A suite_times shell_times diff_times
# signed_node MATRIX SUFFIX [--signing-key=…]: a fresh image (the context file changes) pushed by one node, timed; then
# its manifest node (untimed) makes it the next iteration's previous image.
signed_node() {
  local matrix=$1 suffix=$2 t; shift 2
  echo "$suffix $(now)" > "$ctx/run-id.txt"
  empty_cache
  t=$(time_of suite --matrix="$ctx/$matrix" --target=PushImage --arch=amd64 --tag-suffix="$suffix" "$@")
  time_of suite --matrix="$ctx/$matrix" --target=PushManifest --tag-suffix="$suffix" --allow-partial "$@" > /dev/null
  echo "$t"
}

# (a) warm start on a task that does nothing (--description), ./build.sh vs dotnet run --project build.
dotnet run --project "$root/build" -- --description > /dev/null 2>&1
for i in $(seq "$warm_runs"); do
  suite_times[a]+="$(time_of "$root/build.sh" --description) "
  shell_times[a]+="$(time_of dotnet run --project "$root/build" -- --description) "
done

for i in $(seq "$runs"); do
  # (b) a fresh image (a context file makes its inputs new) on a node with an empty cache, pushed.
  echo "$i $(now)" > "$ctx/run-id.txt"
  if (( i % 2 )); then
    empty_cache; sb=$(time_of suite --target=PushImage --arch=amd64 --tag-suffix="b$i")
    empty_cache; hb=$(time_of shell_node "h$i")
  else
    empty_cache; hb=$(time_of shell_node "h$i")
    empty_cache; sb=$(time_of suite --target=PushImage --arch=amd64 --tag-suffix="b$i")
  fi
  suite_times[b]+="$sb "; shell_times[b]+="$hb "

  # (b') the same with a Dockerfile that copies the new context file into the image: a new layer to push, and
  # TestImage cannot recognise the image as one it tested before.
  if (( i % 2 )); then
    empty_cache; sb=$(time_of suite --matrix="$ctx/copy.json" --target=PushImage --arch=amd64 --tag-suffix="b$i")
    empty_cache; hb=$(time_of shell_node "h$i" python-copy copy.Dockerfile)
  else
    empty_cache; hb=$(time_of shell_node "h$i" python-copy copy.Dockerfile)
    empty_cache; sb=$(time_of suite --matrix="$ctx/copy.json" --target=PushImage --arch=amd64 --tag-suffix="b$i")
  fi
  suite_times[bb]+="$sb "; shell_times[bb]+="$hb "

  # (c) the same node again, unchanged inputs, empty cache: the suite tags remotely, the shell builds and pushes again.
  empty_cache; suite_times[c]+="$(time_of suite --target=PushImage --arch=amd64 --tag-suffix="c$i") "
  empty_cache; shell_times[c]+="$(time_of shell_node "c$i") "

  # (s) and (s'): the cost of signing, SBOM and provenance per arch image: each node with and without a key,
  # alternating which goes first; the difference within each pair is the cost.
  for m in "" copy-; do
    if (( i % 2 )); then
      sw=$(signed_node "${m}signed.json" "s$i" --signing-key="$work/cosign.key.pem"); su=$(signed_node "${m}unsigned.json" "s$i")
    else
      su=$(signed_node "${m}unsigned.json" "s$i"); sw=$(signed_node "${m}signed.json" "s$i" --signing-key="$work/cosign.key.pem")
    fi
    key=s${m:+p}
    suite_times[$key]+="$sw "; shell_times[$key]+="$su "; diff_times[$key]+="$(echo "$sw - $su" | bc -l) "
  done

  # (d) the manifest node for the same images: the suite's PushManifest vs docker manifest create/annotate/push.
  # The arm64v8 node of this suffix runs first, unmeasured (its inputs are those of an image pushed before, or a
  # build under qemu the first time).
  time_of suite --target=PushImage --arch=arm64v8 --tag-suffix="c$i" > /dev/null
  if (( i % 2 )); then
    suite_times[d]+="$(time_of suite --target=PushManifest --tag-suffix="c$i") "
    shell_times[d]+="$(time_of shell_manifest "c$i") "
  else
    shell_times[d]+="$(time_of shell_manifest "c$i") "
    suite_times[d]+="$(time_of suite --target=PushManifest --tag-suffix="c$i") "
  fi
done

# cost KEY WHAT: a node with a key vs the same node without; the target is on the median difference of the pairs.
cost() {
  local key=$1 what=$2 s h d
  s=$(tr ' ' '\n' <<<"${suite_times[$key]}" | grep . | median)
  h=$(tr ' ' '\n' <<<"${shell_times[$key]}" | grep . | median)
  d=$(tr ' ' '\n' <<<"${diff_times[$key]}" | grep . | median)
  printf '| (%s) %s | %.2f s (%+.2f s) | %.2f s | %.2f | ≤ +0.5 s per arch image |\n' "${key/sp/s\'}" "$what" "$s" "$d" "$h" "$(echo "$s / $h" | bc -l)"
}
row() {
  local key=$1 what=$2 target=$3 s h
  s=$(tr ' ' '\n' <<<"${suite_times[$key]}" | grep . | median)
  h=$(tr ' ' '\n' <<<"${shell_times[$key]}" | grep . | median)
  printf '| (%s) %s | %.2f s | %.2f s | %.2f | %s |\n' "${key/bb/b\'}" "$what" "$s" "$h" "$(echo "$s / $h" | bc -l)" "$target"
}
{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, Docker $(docker version --format '{{.Server.Version}}'), medians of $runs runs ((a): $warm_runs)."
  echo
  echo "| measure | suite | baseline | ratio | target |"
  echo "|---|---|---|---|---|"
  row a "warm start, task that does nothing: \`./build.sh --description\` vs \`dotnet run --project build -- --description\`" "≤ 0.5, suite ≤ 1 s"
  row b "build node, fresh image, empty cache: \`--target=PushImage\` vs \`docker build\` + \`docker push\`" "≤ 1.05"
  row bb "the same, the fresh image with a new layer (the Dockerfile copies the changed file), so TestImage runs" "(none; shows TestImage's cost)"
  row c "same node rerun, unchanged inputs, empty cache: \`--target=PushImage\` vs \`docker build\` + \`docker push\`" "≤ 0.1"
  row d "manifest node, lists version.suffix and version over amd64 + arm64v8: \`--target=PushManifest\` vs \`docker manifest create/annotate/push\` per list" "≤ 1.0"
  cost s "signing + SBOM + provenance per arch image, the node of (b) (TestImage does not run: the SBOM is the previous image's): \`--signing-key\` vs none"
  cost sp "the same for the node of (b') (TestImage runs and lists the packages in its container)"
} > "$out"
cat "$out"

# README shows the same table, between its bench markers.
python3 - "$root/README.md" "$out" <<'PY'
import sys, re
readme, results = sys.argv[1], sys.argv[2]
text, table = open(readme).read(), open(results).read().strip()
text = re.sub(r"(<!-- bench:start -->\n).*?(<!-- bench:end -->)", lambda m: m.group(1) + table + "\n" + m.group(2), text, flags=re.S)
open(readme, "w").write(text)
PY
