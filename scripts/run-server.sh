#!/usr/bin/env bash
# Runs the Logstag server from this checkout in the foreground (the README's first command).
# Installs the build dependencies if they are missing, builds the release binary and starts
# `logstag --mode server` here: it listens on 127.0.0.1:8080, keeps its data in ./logstag-data/
# and prints its URL and, on the first start, the one-time bootstrap link.
# Extra arguments go to the server, e.g.: scripts/run-server.sh --listen 127.0.0.1:9090
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_deps=(libssl-dev libargon2-dev zlib1g-dev libsqlite3-dev libpq-dev libhiredis-dev libcurl4-openssl-dev pkg-config)

install_missing_deps() {
    local missing=() pkg sudo=()
    for pkg in "${build_deps[@]}"; do
        # shellcheck disable=SC2016 # ${Status} is dpkg-query's format
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    if ((EUID != 0)); then sudo=(sudo); fi
    echo "Installing build dependencies: ${missing[*]}"
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

if command -v dpkg-query >/dev/null; then
    install_missing_deps
else
    echo "Not a Debian-based system: make sure these are installed: ${build_deps[*]}" >&2
fi
command -v swift >/dev/null || { echo "swift is not on PATH (Swift 6 toolchain needed)" >&2; exit 1; }

swift build -c release --static-swift-stdlib --product logstag
bin="$(swift build -c release --show-bin-path)/logstag"
exec "$bin" --mode server "$@"
