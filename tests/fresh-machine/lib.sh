# Shared by tests/fresh-machine.sh and bench/run.sh: a pristine Debian container (no .NET, none of the prerequisites),
# a "CodeBuild node" image (the same plus Docker, as CodeBuild's images have it), the stand-in SDK feed, and how to run
# a container of them the way this machine allows (see README "Tests on a fresh machine").
# Callers set: root (the repository), work (a scratch folder they remove). Names start with $fm_prefix.
fm_cache="${FRESH_MACHINE_CACHE:-$HOME/.cache/python-images/fresh-machine}"
fm_prefix="python-images-fresh-machine"
fm_log() { echo "fresh-machine: $*" >&2; }

# The stand-in for https://dot.net/v1/dotnet-install.sh and the SDK tarball beside it, made from this machine's SDK.
# Containers get the folder read-only at the same path, and DOTNET_INSTALL_SCRIPT_URL=file://... pointing into it.
fm_feed="$fm_cache/sdk-feed"
fm_prepare_feed() {
  local dotnet_root version tarball
  dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  version="$(ls "$dotnet_root/sdk" | grep -E '^[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -n 1)"
  tarball="$fm_feed/dotnet-sdk-$version-linux-x64.tar.gz"
  mkdir -p "$fm_feed"
  if [[ ! -f "$tarball" ]]; then
    fm_log "making the stand-in's SDK tarball $tarball from $dotnet_root..."
    tar -C "$dotnet_root" -c . | gzip -1 > "$tarball.partial" && mv "$tarball.partial" "$tarball"
  fi
  install -m 0755 "$root/tests/fresh-machine/dotnet-install.sh" "$fm_feed/dotnet-install.sh"
}

# Debian bookworm as mmdebstrap makes it (minbase) with what a fresh machine or a CodeBuild image has besides:
# bash, git, curl, ca-certificates. No libicu (build.sh then runs the SDK with invariant globalization), no .NET, none
# of the prerequisites. Cached as an image whose tag is the hash of this recipe.
fm_pristine_recipe="bookworm minbase include=bash,git,curl,ca-certificates,procps v1"
fm_pristine_image() {
  local tag="$fm_prefix:pristine-$(sha256sum <<<"$fm_pristine_recipe" | cut -c1-12)"
  if ! docker image inspect "$tag" >/dev/null 2>&1; then
    fm_log "making the pristine image $tag with mmdebstrap (about a minute)..."
    mmdebstrap --quiet --variant=minbase --include=bash,git,curl,ca-certificates,procps bookworm "$work/pristine.tar" >&2
    docker import --change 'CMD ["/bin/bash"]' "$work/pristine.tar" "$tag" >/dev/null
    rm -f "$work/pristine.tar"
  fi
  echo "$tag"
}

# A CodeBuild node: the pristine machine plus Docker (CodeBuild's privileged images run dockerd) and Debian's registry
# (the node's registry stands for the remote one a real node pushes to). Still no .NET.
fm_node_image() {
  local pristine tag
  pristine="$(fm_pristine_image)"
  tag="$fm_prefix:node-$(sha256sum <<<"$fm_pristine_recipe docker.io docker-registry v1" | cut -c1-12)"
  if ! docker image inspect "$tag" >/dev/null 2>&1; then
    fm_log "making the CodeBuild node image $tag (pristine + docker.io, docker-registry)..."
    docker rm -f "$fm_prefix-make-node-$$" >/dev/null 2>&1 || true
    docker run --name "$fm_prefix-make-node-$$" -v "$fm_cache/apt-archives:/var/cache/apt/archives" "$pristine" bash -c \
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io docker-registry iptables >/dev/null' >&2
    docker commit "$fm_prefix-make-node-$$" "$tag" >/dev/null
    docker rm "$fm_prefix-make-node-$$" >/dev/null
  fi
  echo "$tag"
}

# fm_source DIR: the repository as a fresh checkout (the committed HEAD, with the working tree's changes to tracked
# files on top), as CodeBuild or a user's clone has it.
fm_source() {
  git clone --quiet --no-checkout "$root" "$1"
  git -C "$1" checkout --quiet --detach "$(git -C "$root" rev-parse HEAD)"
  (cd "$root" && git ls-files -z | tar --null -T - -c) | tar -x -C "$1"
}

# fm_run NAME IMAGE [docker run options...] -- COMMAND...: a container in its own network namespace (never the host's:
# other engineers use loopback ports), with the capabilities that stand in for --privileged here (it is refused: the
# bounding set lacks CAP_SYS_RESOURCE), a volume at /var/lib/docker for its own dockerd, the host's CA bundle for
# NuGet, the stand-in feed, and a cache of downloaded .deb files. Removed when it ends.
# The container stands for a machine on this machine's network: it gets its CA bundle and, where this machine sets it,
# its NuGet certificate revocation mode (here `offline`: the revocation servers are out of reach, and an online check
# waits for their timeouts, about 10 s per restore; a CodeBuild node reaches them).
fm_run() {
  local name="$1" image="$2"; shift 2
  local options=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do options+=("$1"); shift; done
  shift
  mkdir -p "$fm_cache/apt-archives"
  fm_containers+=("$name")
  docker run --rm --name "$name" --hostname fresh-machine \
    --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    --security-opt systempaths=unconfined \
    -v /var/lib/docker -v /etc/ssl/certs:/etc/ssl/certs:ro -v "$fm_cache/apt-archives:/var/cache/apt/archives" \
    -v "$fm_feed:$fm_feed:ro" -e DOTNET_INSTALL_SCRIPT_URL="file://$fm_feed/dotnet-install.sh" -e NO_COLOR=1 \
    ${NUGET_CERT_REVOCATION_MODE:+-e NUGET_CERT_REVOCATION_MODE="$NUGET_CERT_REVOCATION_MODE"} \
    "${options[@]}" "$image" "$@"
}
fm_containers=()
fm_cleanup() { local c; for c in "${fm_containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done; }
