#!/usr/bin/env bash
# A local stand-in for Microsoft's dotnet-install.sh (https://dot.net/v1/dotnet-install.sh), for tests that must never
# reach the real address. It takes the real script's options that build.sh passes (and a few more, with the real
# script's spellings), resolves the version the same way (--version, --jsonfile, or the newest of a --channel), and
# installs the SDK from a tarball beside it named as Microsoft names them: dotnet-sdk-<version>-linux-<arch>.tar.gz.
# tests/fresh-machine.sh makes that tarball from this machine's SDK. Unknown options fail, as in the real script.
set -euo pipefail
say() { printf 'dotnet-install: %s\n' "$1"; }
err() { printf 'dotnet_install: Error: %s\n' "$1" >&2; }
feed="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

channel=LTS version=Latest json_file="" install_dir="${DOTNET_INSTALL_DIR:-$HOME/.dotnet}" architecture="<auto>" dry_run=false runtime=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -c|--channel|-[Cc]hannel) shift; channel="$1" ;;
    -v|--version|-[Vv]ersion) shift; version="$1" ;;
    -i|--install-dir|-[Ii]nstall[Dd]ir) shift; install_dir="$1" ;;
    --arch|--architecture|-[Aa]rch|-[Aa]rchitecture) shift; architecture="$1" ;;
    --jsonfile|-[Jj][Ss]on[Ff]ile) shift; json_file="$1" ;;
    --runtime|-[Rr]untime) shift; runtime="$1" ;;
    -q|--quality|-[Qq]uality) shift ;;
    --no-path|-[Nn]o[Pp]ath|--verbose|-[Vv]erbose|--no-cdn|-[Nn]o[Cc]dn|--skip-non-versioned-files|--keep-zip) ;;
    --dry-run|-[Dd]ry[Rr]un) dry_run=true ;;
    *) err "Unknown argument \`$1\`"; exit 1 ;;
  esac
  shift
done
[[ -z "$runtime" ]] || { err "this stand-in installs SDKs only, not --runtime $runtime"; exit 1; }
if [[ "$architecture" == "<auto>" ]]; then
  case "$(uname -m)" in aarch64) architecture=arm64 ;; *) architecture=x64 ;; esac
fi
case "$architecture" in amd64|x64) architecture=x64 ;; arm64) ;; *) err "Architecture \`$architecture\` not supported."; exit 1 ;; esac

available() { local f; for f in "$feed"/dotnet-sdk-*-linux-"$architecture".tar.gz; do [[ -f "$f" ]] || continue; f="${f##*/dotnet-sdk-}"; echo "${f%-linux-*}"; done | sort -V; }
if [[ -n "$json_file" ]]; then
  [[ -f "$json_file" ]] || { err "Unable to find \`$json_file\`"; exit 1; }
  version="$(sed -n 's/.*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$json_file" | head -1)"
  [[ -n "$version" ]] || { err "Unable to find the SDK:version node in \`$json_file\`"; exit 1; }
elif [[ "${version,,}" == latest ]]; then
  case "$channel" in
    LTS|STS) pattern='*' ;;
    *xx) pattern="${channel%xx}[0-9][0-9]" ;;
    *) pattern="$channel.*" ;;
  esac
  version="$(available | while read -r v; do [[ "$v" == $pattern && "$v" != *-* ]] && echo "$v"; done | tail -n 1)"
  [[ -n "$version" ]] || { err "Could not find a .NET SDK in channel $channel (the stand-in's feed $feed has: $(available | tr '\n' ' '))"; exit 1; }
fi
tarball="$feed/dotnet-sdk-$version-linux-$architecture.tar.gz"
say "Attempting to download using primary link file://$tarball"
if [[ "$dry_run" == true ]]; then say "Payload URL: file://$tarball"; exit 0; fi
if [[ -d "$install_dir/sdk/$version" ]]; then say ".NET Core SDK with version '$version' is already installed."; exit 0; fi
[[ -f "$tarball" ]] || { err "Could not find \`.NET Core SDK\` with version = $version"; exit 1; }
mkdir -p "$install_dir"
say "Extracting zip from file://$tarball"
tar -xzf "$tarball" -C "$install_dir"
[[ -d "$install_dir/sdk/$version" ]] || { err "Failed to verify the version of installed \`.NET Core SDK\`."; exit 1; }
say "Installed version is $version"
say "Binaries of dotnet can be found in $install_dir"
say "Installation finished successfully."
