#!/usr/bin/env bash
# The test command: installs what is missing, then runs every gate: formatting, clippy for the
# host and for wasm32, unit tests, and the integration tests (API on libvirt's test driver,
# real QEMU under libvirtd, real headless Chromium). Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install.sh
source scripts/libvirtd.sh
source scripts/demo-pool.sh
source scripts/sshd-loopback.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
started=$SECONDS

step "libvirtd (QEMU capability probing runs while we build)"
start_libvirtd

step "cargo fmt --check"
cargo fmt --all --check

step "clippy (host)"
cargo clippy --workspace --exclude frontend --exclude frontend-base --exclude consoles --exclude admin --exclude account --all-targets --locked -- -D warnings

step "clippy (wasm32)"
cargo clippy -p frontend -p frontend-base -p consoles -p admin -p account -p shared -p rfb -p decode-bench --target wasm32-unknown-unknown --all-targets --locked -- -D warnings

step "frontend release build (trunk)"
trunk build --release

step "waiting for qemu:///system"
wait_libvirtd

step "demo and Debian guests and their storage pools (for the QEMU tests)"
prepare_demo_pool
prepare_debian_pool

step "loopback sshd (for the qemu+ssh host)"
start_loopback_sshd
# VMs left by an interrupted earlier run.
for vm in $(virsh -c qemu:///system list --all --name | grep '^ezilla-test-' || true); do
  virsh -c qemu:///system destroy "$vm" >/dev/null 2>&1 || true
  virsh -c qemu:///system undefine "$vm" >/dev/null
done
for pool in ezilla-demo ezilla-debian; do
  for vol in $(virsh -c qemu:///system vol-list "$pool" 2>/dev/null | awk '$1 ~ /^ezilla-test-/ { print $1 }'); do
    virsh -c qemu:///system vol-delete --pool "$pool" "$vol" >/dev/null
  done
done

step "tests"
cargo build -p ezilla --locked
cargo test --workspace --locked

step "all gates passed in $((SECONDS - started)) s"
