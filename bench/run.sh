#!/usr/bin/env bash
# Benchmarks of the build suite against the original buildspec's shell commands, measured side by side in one run
# (each iteration runs the suite and the baseline back to back, alternating which goes first), medians over RUNS.
# Writes bench/results.md (the table README shows). Needs what tests/run.sh needs: dockerd, docker-registry, dotnet.
#
#   bench/run.sh            # RUNS=5 (warm start: WARM_RUNS=10)
#   RUNS=3 bench/run.sh
#   BENCH_LOGS=/tmp/logs bench/run.sh   # keeps every measured command's output
#   MEASURES="a f" bench/run.sh          # only these measures (a b c d e f s; b also gives b', s also s'); the table keeps the other
#                                        # rows of the last results.md. (a) and (f) need no Docker engine of the bench's own.
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
measures=" ${MEASURES:-a b c d e f s} "
measures="${measures//,/ }"
measured() { [[ "$measures" == *" $1 "* ]]; }
needs_engine() { measured b || measured c || measured d || measured s; }
registry_pid="" dockerd_pid="" bench_bridge=""
cleanup() {
  [[ -n "$registry_pid" ]] && kill "$registry_pid" 2>/dev/null || true
  [[ -n "$dockerd_pid" ]] && kill "$dockerd_pid" 2>/dev/null && wait "$dockerd_pid" 2>/dev/null || true
  [[ -n "$bench_bridge" ]] && ip link delete "$bench_bridge" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
BUILD_PROGRAM=composite "$root/build.sh" --description > /dev/null   # the program users get, built once if its sources changed

if needs_engine; then

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

"$root/build.sh" --target=BaseImage --matrix="$ctx/images.json" --registry="$registry" --install-prerequisites=false > "$work/base.log" 2>&1 \
  || { cat "$work/base.log"; exit 1; }
fi

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
measured a && dotnet run --project "$root/build" -- --description > /dev/null 2>&1
for i in $(seq "$warm_runs"); do
  measured a || break
  suite_times[a]+="$(time_of "$root/build.sh" --description) "
  shell_times[a]+="$(time_of dotnet run --project "$root/build" -- --description) "
done

# (f) the edit loop: one .cs file of build/ changed, then ./build.sh --description (which builds the program, plain, and
# runs it) vs dotnet build + run of what it built. In a copy of the build sources, so that the repository's own program
# stays as it is. BUILD_PROGRAM=plain: the default does the same in the foreground, then compiles the composite in the
# background, niced, after the run ends; that compile would only add noise to the next measurement.
edit="$work/edit"
if measured f; then
mkdir -p "$edit"
cp -r "$root/build" "$root/build.sh" "$root/global.json" "$root/Directory.Build.props" "$root/Directory.Build.targets" "$edit/"
rm -rf "$edit/build/bin" "$edit/build/obj"
touched="$edit/build/Context/TaskNames.cs"
BUILD_PROGRAM=plain "$edit/build.sh" --description > /dev/null 2>&1
dotnet build "$edit/build/Build.csproj" --nologo --verbosity quiet > /dev/null
fi
edit_baseline() { dotnet build "$edit/build/Build.csproj" --nologo --verbosity quiet && dotnet "$edit/build/bin/Debug/net10.0/Build.dll" --description; }
for i in $(seq "$runs"); do
  measured f || break
  echo "// bench edit $i $(now)" >> "$touched"
  if (( i % 2 )); then
    suite_times[f]+="$(BUILD_PROGRAM=plain time_of "$edit/build.sh" --description) "
    shell_times[f]+="$(time_of edit_baseline) "
  else
    shell_times[f]+="$(time_of edit_baseline) "
    suite_times[f]+="$(BUILD_PROGRAM=plain time_of "$edit/build.sh" --description) "
  fi
done

for i in $(seq "$runs"); do
  needs_engine || break
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
    measured s || break
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

# (e) a cold CodeBuild node, time from its build phase's start to its first docker command, in a fresh container of
# the pristine machine plus Docker, as CodeBuild's images are (tests/fresh-machine/lib.sh): without .NET and no cache
# (build.sh installs the SDK through its bootstrap, from the local stand-in, and compiles the program; the SDK install
# is not counted), then with the cache paths of buildspecs/build.yml restored from that node. The original node's
# first line is a docker command: its time is 0. E_RUNS (default 3) nodes of each.
if measured e; then
  # shellcheck source=tests/fresh-machine/lib.sh
  source "$root/tests/fresh-machine/lib.sh"
  trap 'DOCKER_HOST= fm_cleanup; cleanup' EXIT
  fm_prepare_feed
  node_image="$(DOCKER_HOST= fm_node_image)"
  rootfs=()
  for tar in "${PYTHON_IMAGES_CACHE:-$HOME/.cache/python-images}"/bookworm-*.tar; do rootfs+=(-v "$tar:/root/.cache/python-images/${tar##*/}:ro"); done
  cache_paths=(); while read -r path; do cache_paths+=("${path%/\*\*/\*}"); done < <(
    awk '/^cache:/ { c = 1; next } c && /^[^ ]/ { c = 0 } c && /^  paths:/ { p = 1; next } c && p && /^  - / { sub(/^  - /, ""); print; next } p && !/^  - / { p = 0 }' "$root/buildspecs/build.yml")
  e_node() { # e_node NAME [restore]: one node in a fresh container; prints its first-docker and sdk-install seconds
    local src="$work/e-$1" timing
    rm -rf "$src"; fm_source "$src"
    [[ -z "${2:-}" ]] || tar -xf "$work/e-cache.tar" -C "$src"
    DOCKER_HOST= fm_run "$fm_prefix-bench-$1-$$" "$node_image" -v "$src:/codebuild/output/src/python-images" -w /codebuild/output/src/python-images \
      "${rootfs[@]}" -v "$work/e-seed:/seed" -e NODE_REGISTRY_SEED=/seed/registry.tar -- bash tests/fresh-machine/codebuild-node.sh > "$work/e-$1.log" 2>&1 || { tail -n 30 "$work/e-$1.log" >&2; echo "bench: the node $1 failed" >&2; exit 1; }
    if [[ -n "${BENCH_LOGS:-}" ]]; then mkdir -p "$BENCH_LOGS"; cp "$work/e-$1.log" "$BENCH_LOGS/e-$1.log"; fi
    timing="$(grep '^node-timing:' "$work/e-$1.log")"
    echo "bench: (e) node $1: $timing; $(grep -h 'codebuild-node: first docker command' "$work/e-$1.log")" >&2
    [[ -z "${2:-}" ]] && (cd "$src" && tar -cf "$work/e-cache.tar" "${cache_paths[@]}")
    sed -n 's/.*first-docker=\([0-9.]*\) sdk-install=\([0-9.]*\).*/\1 \2/p' <<<"$timing"
  }
  # The node's registry holds the base, as the real one does after the first batch: an unmeasured node publishes it.
  mkdir -p "$work/e-seed"
  e_node seed > /dev/null
  for i in $(seq "${E_RUNS:-3}"); do
    read -r first sdk < <(e_node "cold$i")
    suite_times[e0]+="$(echo "$first - $sdk" | bc -l) "
    read -r first _ < <(e_node "cached$i" restore)
    suite_times[e1]+="$first "
  done
fi


previous="$(cat "$out" 2>/dev/null || true)"

# cost KEY WHAT: a node with a key vs the same node without; the target is on the median difference of the pairs.
cost() {
  local key=$1 what=$2 s h d
  if [[ -z "${suite_times[$key]:-}" ]]; then
    grep -F "| (${key/sp/s\'}) " <<<"$previous" || true
    return
  fi
  s=$(tr ' ' '\n' <<<"${suite_times[$key]}" | grep . | median)
  h=$(tr ' ' '\n' <<<"${shell_times[$key]}" | grep . | median)
  d=$(tr ' ' '\n' <<<"${diff_times[$key]}" | grep . | median)
  printf '| (%s) %s | %.2f s (%+.2f s) | %.2f s | %.2f | ≤ +0.5 s per arch image |\n' "${key/sp/s\'}" "$what" "$s" "$d" "$h" "$(echo "$s / $h" | bc -l)"
}
row() {
  local key=$1 what=$2 target=$3 s h
  if [[ -z "${suite_times[$key]:-}" ]]; then
    # Not measured this time: the row of the last run (the header says which rows this run measured).
    grep -F "| (${key/bb/b\'}) " <<<"$previous" || true
    return
  fi
  s=$(tr ' ' '\n' <<<"${suite_times[$key]}" | grep . | median)
  h=$(tr ' ' '\n' <<<"${shell_times[$key]}" | grep . | median)
  printf '| (%s) %s | %.2f s | %.2f s | %.2f | %s |\n' "${key/bb/b\'}" "$what" "$s" "$h" "$(echo "$s / $h" | bc -l)" "$target"
}
{
  stamp="Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, Docker $(docker version --format '{{.Server.Version}}'), medians of $runs runs ((a): $warm_runs, (e): ${E_RUNS:-3})"
  if [[ "$measures" != " a b c d e f s " ]]; then
    echo "$stamp: rows$(tr -s ' ' <<<"$measures" | sed 's/ $//; s/ \([a-z]\)/ (\1)/g'). The other rows: $(grep -m1 '^Measured' <<<"$previous" | sed 's/^Measured //; s/ UTC.*/ UTC/')."
  else
    echo "$stamp."
  fi
  echo
  echo "| measure | suite | baseline | ratio | target |"
  echo "|---|---|---|---|---|"
  row a "warm start, task that does nothing: \`./build.sh --description\` vs \`dotnet run --project build -- --description\`" "≤ 0.5, suite ≤ 1 s"
  row b "build node, fresh image, empty cache: \`--target=PushImage\` vs \`docker build\` + \`docker push\`" "≤ 1.05"
  row bb "the same, the fresh image with a new layer (the Dockerfile copies the changed file), so TestImage runs" "(none; shows TestImage's cost)"
  row c "same node rerun, unchanged inputs, empty cache: \`--target=PushImage\` vs \`docker build\` + \`docker push\`" "≤ 0.1"
  row d "manifest node, lists version.suffix and version over amd64 + arm64v8: \`--target=PushManifest\` vs \`docker manifest create/annotate/push\` per list" "≤ 1.0"
  if [[ -n "${suite_times[e1]:-}" ]]; then
    e_row() { printf '| (e) %s | %.2f s | 0 s | – | %s |\n' "$2" "$(tr ' ' '\n' <<<"${suite_times[$1]}" | grep . | median)" "$3"; }
    e_row e1 "cold CodeBuild node, CodeBuild cache restored: node start → first docker command (\`--target=PushImage\` vs the shell's first line, a docker command; medians of ${E_RUNS:-3})" "≤ 1.5 s"
    e_row e0 "cold CodeBuild node, no cache, no .NET: node start → first docker command, the SDK install not counted (it restores, compiles the program, starts it)" "≤ 20 s"
  else
    grep -F "| (e) " <<<"$previous" || true
  fi
  row f "edit loop, one \`.cs\` file of build/ changed: \`./build.sh --description\` (plain build, then the run) vs \`dotnet build\` + \`dotnet Build.dll --description\`" "≤ 1.3, with (a) ≤ 0.5 s"
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
