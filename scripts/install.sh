#!/usr/bin/env bash
# Installs whatever Ezilla needs that this Debian 12 machine lacks. Idempotent: every step
# checks first and skips what is already there. Sourced by run.sh and test.sh.
set -euo pipefail

WASM_BINDGEN_VERSION=0.2.130 # keep equal to the `wasm-bindgen = "=X"` pin in Cargo.toml
TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
NOVNC_VERSION=1.7.0
OPENAPI_SPEC_VALIDATOR_VERSION=0.9.0
SCHEMATHESIS_VERSION=4.32.5
TOOLS_DIR=${EZILLA_TOOLS_DIR:-/opt/ezilla-tools}

export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"

log() { printf '\033[1m[install]\033[0m %s\n' "$*"; }

apt_packages() {
  local wanted=(pkg-config libvirt-dev libvirt-daemon-system libvirt-clients
    chromium chromium-driver ca-certificates curl prometheus python3-venv
    isolinux syslinux-common xorriso) # the last three: the QEMU tests' bootable ISO
  local missing=()
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # QEMU from bookworm, every qemu package at one version: the images carry qemu-utils from
  # backports, which conflicts with bookworm's qemu-system-x86.
  local qemu_v
  qemu_v=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null || true)
  if [ -z "$qemu_v" ] || [ "$(dpkg-query -W -f='${Version}' qemu-utils 2>/dev/null)" != "$qemu_v" ]; then
    missing+=(QEMU)
  fi
  [ ${#missing[@]} -eq 0 ] && return
  log "apt: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  qemu_v=$(apt-cache policy qemu-system-x86 | awk '
    /^ +[0-9]+:/ { ver=$1 } /^ +[0-9]+ .*bookworm\/main/ && !v && ver { v=ver } END { print v }')
  [ -n "$qemu_v" ] || qemu_v=$(apt-cache policy qemu-system-x86 | awk '/Candidate:/ { print $2 }')
  apt-get install -y -qq --no-install-recommends --allow-downgrades \
    "${wanted[@]}" \
    "qemu-system-x86=$qemu_v" "qemu-system-common=$qemu_v" \
    "qemu-utils=$qemu_v" "qemu-block-extra=$qemu_v" >/dev/null
}

rust_tools() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown ||
    { log "rustup: wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
  trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION" ||
    { log "cargo install trunk $TRUNK_VERSION (about 12 min)"; cargo install trunk --locked --version "$TRUNK_VERSION"; }
  wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION" ||
    { log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"; cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"; }
}

wasm_opt() {
  # Debian's binaryen (108) emits WASM that Chromium refuses; npm's binaryen@132 works.
  wasm-opt --version 2>/dev/null | grep -q 'version 132' && return
  log "npm: binaryen@$BINARYEN_VERSION"
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
}

websockify_peer() {
  # The console proxy benchmark's peer, never shipped: PyPI's websockify, in a venv of its
  # own because Debian's Python is externally managed.
  [ -x "$TOOLS_DIR/venv/bin/websockify" ] && return
  log "pip: websockify (benchmark peer)"
  python3 -m venv "$TOOLS_DIR/venv"
  "$TOOLS_DIR/venv/bin/pip" install --quiet websockify
}

novnc_peer() {
  # The decode benchmark's peer, never shipped: npm's noVNC, whose ES modules the benchmark
  # page loads as they are.
  grep -qs "\"version\": \"$NOVNC_VERSION\"" "$TOOLS_DIR/node_modules/@novnc/novnc/package.json" && return
  log "npm: @novnc/novnc@$NOVNC_VERSION (benchmark peer)"
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --silent "@novnc/novnc@$NOVNC_VERSION"
}

api_checkers() {
  # The API's test tools, never shipped: PyPI's openapi-spec-validator (the OpenAPI document
  # is valid 3.1) and Schemathesis (the server against its document), in a venv of their own.
  local venv="$TOOLS_DIR/api-venv"
  "$venv/bin/openapi-spec-validator" --version 2>/dev/null | grep -q "$OPENAPI_SPEC_VALIDATOR_VERSION" &&
    "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION" && return
  log "pip: openapi-spec-validator $OPENAPI_SPEC_VALIDATOR_VERSION, schemathesis $SCHEMATHESIS_VERSION"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "openapi-spec-validator==$OPENAPI_SPEC_VALIDATOR_VERSION" \
    "schemathesis==$SCHEMATHESIS_VERSION"
}

apt_packages
rust_tools
wasm_opt
websockify_peer
novnc_peer
api_checkers
log "all tools present"
