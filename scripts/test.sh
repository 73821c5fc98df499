#!/usr/bin/env bash
# The test command: installs what is missing, then runs every gate: formatting, clippy for the
# host and for wasm32, unit tests, and the integration tests (API on libvirt's test driver,
# real QEMU under libvirtd, real headless Chromium, every bench in its smoke mode). Exits
# non-zero on the first failure. Whatever it started (the loopback sshd; libvirtd and virtlogd
# if they were not running) it stops when it ends, passed or failed, and fails if any of it
# still runs or listens then.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install.sh
source scripts/libvirtd.sh
source scripts/demo-pool.sh
source scripts/sshd-loopback.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
started=$SECONDS passed=

# On any exit: stops what this run started, then checks that none of it outlived the run.
finish() {
  local rc=$? sshd_port=$LOOPBACK_SSHD_PORT entry daemon pid
  local daemons=("${LIBVIRTD_STARTED[@]}")
  trap - EXIT
  if [ -n "$sshd_port" ] || [ ${#daemons[@]} -gt 0 ]; then
    step "stopping what this run started"
  fi
  stop_loopback_sshd || rc=1
  stop_libvirtd || rc=1
  if [ -n "$sshd_port" ] && ss -Hltnp "sport = :$sshd_port" | grep . >&2; then
    echo "FAILED: the above still listens on 127.0.0.1:$sshd_port, where this run started sshd" >&2
    rc=1
  fi
  for entry in "${daemons[@]}"; do
    daemon=${entry%%:*} pid=${entry#*:}
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$daemon" ]; then
      echo "FAILED: $daemon (pid $pid), which this run started, still runs" >&2
      rc=1
    fi
  done
  if [ $rc -eq 0 ] && [ -n "$passed" ]; then
    step "all gates passed in $((SECONDS - started)) s"
  fi
  exit $rc
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "libvirtd (QEMU capability probing runs while we build)"
start_libvirtd

step "cargo fmt --check"
cargo fmt --all --check

step "clippy (host)"
cargo clippy --workspace --exclude frontend --exclude frontend-base --exclude consoles --exclude admin --exclude account --exclude library --all-targets --locked -- -D warnings

step "clippy (wasm32)"
cargo clippy -p frontend -p frontend-base -p consoles -p admin -p account -p library -p shared -p rfb -p decode-bench --target wasm32-unknown-unknown --all-targets --locked -- -D warnings

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

passed=1
