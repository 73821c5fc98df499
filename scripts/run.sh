#!/usr/bin/env bash
# The run command: installs what is missing, builds the frontend (release) and the backend,
# starts libvirtd when local QEMU can be used, and serves Ezilla at http://127.0.0.1:8080.
# Arguments go to `ezilla` (see `ezilla --help`), e.g. `--listen 127.0.0.1:9000`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install.sh
source scripts/libvirtd.sh
source scripts/demo-pool.sh

qemu=false
if start_libvirtd && wait_libvirtd; then
  echo "[run] libvirtd is up: VMs run on local QEMU"
  qemu=true
else
  echo "[run] no local QEMU: Ezilla will use libvirt's test driver (simulated VMs)"
fi
trunk build --release
cargo build --release -p ezilla
if $qemu; then
  prepare_demo_pool
  register_demo_template target/release/ezilla "$@"
  prepare_debian_pool
  register_debian_template target/release/ezilla "$@"
fi
exec target/release/ezilla "$@"
