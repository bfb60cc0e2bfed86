#!/usr/bin/env bash
# Makes this machine ready for the integration tests: docker engine, qemu/binfmt for linux/arm64, Debian's registry,
# mmdebstrap, and Python's cryptography for the signature verifier. Installs what is missing when it may (root on Debian/Ubuntu); otherwise says what to install.
# Idempotent: a second run only checks.
set -euo pipefail

log() { echo "prepare: $*" >&2; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-registry >/dev/null || missing+=(docker-registry)
[[ -x /usr/bin/qemu-aarch64-static || -x /usr/bin/qemu-aarch64 ]] || missing+=(qemu-user-static)
command -v update-binfmts >/dev/null || missing+=(binfmt-support)
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
# mmdebstrap only Recommends arch-test, which it needs for a foreign architecture (the tests make arm64 roots).
command -v arch-test >/dev/null || missing+=(arch-test)
command -v htpasswd >/dev/null || missing+=(apache2-utils)
# The verifier outside the product (tests/Build.Tests/Signing/cosign_verify.py) checks signatures with Python's cryptography.
python3 -c 'import cryptography' 2>/dev/null || missing+=(python3-cryptography)
if (( ${#missing[@]} )); then
  if command -v apt-get >/dev/null && as_root true; then
    log "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "missing: ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and rerun."
    exit 1
  fi
fi

# binfmt_misc with qemu-aarch64 (the F flag lets containers use the static interpreter).
if [[ ! -e /proc/sys/fs/binfmt_misc/status ]]; then
  as_root mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || { log "cannot mount binfmt_misc; run as root"; exit 1; }
fi
if ! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null; then
  as_root update-binfmts --enable qemu-aarch64 || as_root update-binfmts --import qemu-aarch64 || true
fi
grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 || { log "qemu-aarch64 binfmt handler is not enabled"; exit 1; }

# The Docker engine.
if ! docker version >/dev/null 2>&1; then
  log "starting dockerd"
  as_root sh -c 'nohup dockerd >/var/log/dockerd-tests.log 2>&1 &' || { log "cannot start dockerd; start it (sudo dockerd &) and rerun"; exit 1; }
  for _ in $(seq 1 60); do docker version >/dev/null 2>&1 && break; sleep 1; done
  docker version >/dev/null 2>&1 || { log "dockerd did not come up; see /var/log/dockerd-tests.log"; exit 1; }
fi
log "ready: docker $(docker version --format '{{.Server.Version}}'), qemu-aarch64 enabled, docker-registry and mmdebstrap present"
