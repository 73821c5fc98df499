#!/usr/bin/env bash
# Starts virtlogd and libvirtd (no systemd here) when local QEMU is installed, waits until
# qemu:///system answers, and stops again whichever of the two it started. Sourced by run.sh
# and test.sh.

# The pids of the daemons that start_libvirtd started (none if they were running already).
LIBVIRTD_STARTED=()

# Starts the daemons if they are not running, noting the pids of those it started in
# LIBVIRTD_STARTED. Fails when QEMU or libvirtd is missing.
start_libvirtd() {
  command -v libvirtd >/dev/null && command -v qemu-system-x86_64 >/dev/null || return 1
  # Without udev, /dev/kvm stays root-only. libvirt then probes QEMU as able to use KVM but
  # finds the QEMU user unable to, throws its capability cache away and re-probes on every
  # define (~30 s each). Give /dev/kvm the owner and mode Debian's udev rule gives it.
  if [ -c /dev/kvm ] && [ "$(stat -c %G /dev/kvm)" != kvm ] && getent group kvm >/dev/null; then
    chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
  fi
  local daemon pid
  for daemon in virtlogd libvirtd; do
    pgrep -x "$daemon" >/dev/null && continue
    "$daemon" -d || return 1
    # `-d` returns once the daemon has forked and written its pid file.
    pid=$(cat "/run/$daemon.pid" 2>/dev/null) || pid=$(pgrep -nx "$daemon") || return 1
    LIBVIRTD_STARTED+=("$daemon:$pid")
  done
}

# Stops the daemons that start_libvirtd started (libvirtd first, then virtlogd), by pid, and
# waits up to 30 s for each to end; leaves daemons that were running before alone. Returns
# non-zero, saying which, if one is still running.
stop_libvirtd() {
  local daemon pid rc=0 i
  for ((i = ${#LIBVIRTD_STARTED[@]} - 1; i >= 0; i--)); do
    daemon=${LIBVIRTD_STARTED[i]%%:*} pid=${LIBVIRTD_STARTED[i]#*:}
    # A pid reused by another program is not ours to stop.
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$daemon" ] || continue
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 30; then
      echo "[libvirtd] $daemon (pid $pid) still runs 30 s after SIGTERM" >&2
      rc=1
    fi
  done
  [ $rc -ne 0 ] || LIBVIRTD_STARTED=()
  return $rc
}

# Waits until process PID has ended, for at most SECONDS seconds; fails if it has not.
wait_gone() {
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null; do
    [ $SECONDS -lt "$deadline" ] || return 1
    sleep 0.2
  done
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
