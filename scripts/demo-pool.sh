#!/usr/bin/env bash
# The demo guest as a libvirt storage pool: builds it (scripts/demo-guest.sh) into
# DEMO_DIR and defines the pool `ezilla-demo` over that directory. Sourced by run.sh (which
# then registers the `demo` template) and test.sh (whose QEMU tests create VMs from it).

DEMO_DIR=/var/lib/libvirt/images/ezilla-demo
DEMO_POOL=ezilla-demo

prepare_demo_pool() {
  bash scripts/demo-guest.sh "$DEMO_DIR"
  local v="virsh -q -c qemu:///system"
  $v pool-info "$DEMO_POOL" >/dev/null 2>&1 ||
    $v pool-define-as "$DEMO_POOL" dir --target "$DEMO_DIR" >/dev/null
  [ "$($v pool-info "$DEMO_POOL" | awk '/^State:/ { print $2 }')" = running ] ||
    $v pool-start "$DEMO_POOL" >/dev/null
  $v pool-autostart "$DEMO_POOL" >/dev/null
  $v pool-refresh "$DEMO_POOL" >/dev/null
}

# Registers the demo guest as the template `demo` in the database of `ezilla ARGS...`.
register_demo_template() {
  "$@" template add demo --if-missing \
    --os "Ezilla demo (Debian kernel, busybox)" \
    --storage-pool "$DEMO_POOL" --volume root.qcow2 \
    --cores 1 --memory-mib 256 --disk-gib 1 \
    --kernel "$DEMO_DIR/vmlinuz" --initrd "$DEMO_DIR/initrd.img" \
    --cmdline "$(cat "$DEMO_DIR/cmdline")"
}
