#!/usr/bin/env bash
# Starts virtlogd and libvirtd (no systemd here) when local QEMU is installed, and waits until
# qemu:///system answers. Sourced by run.sh and test.sh.

# Starts the daemons if they are not running. Fails when QEMU or libvirtd is missing.
start_libvirtd() {
  command -v libvirtd >/dev/null && command -v qemu-system-x86_64 >/dev/null || return 1
  # Without udev, /dev/kvm stays root-only. libvirt then probes QEMU as able to use KVM but
  # finds the QEMU user unable to, throws its capability cache away and re-probes on every
  # define (~30 s each). Give /dev/kvm the owner and mode Debian's udev rule gives it.
  if [ -c /dev/kvm ] && [ "$(stat -c %G /dev/kvm)" != kvm ] && getent group kvm >/dev/null; then
    chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
  fi
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
