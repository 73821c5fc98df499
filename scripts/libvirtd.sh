#!/usr/bin/env bash
# Starts virtlogd and libvirtd (no systemd here) when local QEMU is installed, and waits until
# qemu:///system answers. Sourced by run.sh and test.sh.

# Starts the daemons if they are not running. Fails when QEMU or libvirtd is missing.
start_libvirtd() {
  command -v libvirtd >/dev/null && command -v qemu-system-x86_64 >/dev/null || return 1
  pgrep -x virtlogd >/dev/null || virtlogd -d
  pgrep -x libvirtd >/dev/null || libvirtd -d
}

# Waits until qemu:///system answers. The first connection after a start probes QEMU's
# capabilities, which can take a minute on these machines.
wait_libvirtd() {
  local deadline=$((SECONDS + ${1:-180}))
  until virsh -c qemu:///system capabilities 2>/dev/null | grep -q "<domain type='qemu'"; do
    if [ $SECONDS -ge $deadline ]; then
      echo "libvirtd did not answer on qemu:///system" >&2
      return 1
    fi
    sleep 1
  done
}
