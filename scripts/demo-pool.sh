#!/usr/bin/env bash
# The guests as libvirt storage pools: the demo guest (scripts/demo-guest.sh, busybox, boots
# in seconds) in DEMO_DIR as pool `ezilla-demo`, and the Debian 12 cloud guest
# (scripts/debian-guest.sh) in DEBIAN_DIR as pool `ezilla-debian`. Sourced by run.sh (which
# then registers the templates `demo` and `debian-12`) and test.sh (whose QEMU tests create
# VMs from them).

DEMO_DIR=/var/lib/libvirt/images/ezilla-demo
DEMO_POOL=ezilla-demo

DEBIAN_DIR=/var/lib/libvirt/images/ezilla-debian
DEBIAN_POOL=ezilla-debian

# Defines, starts and refreshes the directory pool $1 over $2.
dir_pool() {
  local v="virsh -q -c qemu:///system"
  $v pool-info "$1" >/dev/null 2>&1 || $v pool-define-as "$1" dir --target "$2" >/dev/null
  [ "$($v pool-info "$1" | awk '/^State:/ { print $2 }')" = running ] || $v pool-start "$1" >/dev/null
  $v pool-autostart "$1" >/dev/null
  $v pool-refresh "$1" >/dev/null
}

prepare_demo_pool() {
  bash scripts/demo-guest.sh "$DEMO_DIR"
  dir_pool "$DEMO_POOL" "$DEMO_DIR"
}

# Builds the Debian guest once (again only when its script changes) and pools it.
prepare_debian_pool() {
  bash scripts/debian-guest.sh "$DEBIAN_DIR"
  dir_pool "$DEBIAN_POOL" "$DEBIAN_DIR"
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

# Registers the Debian guest as the template `debian-12` in the database of `ezilla ARGS...`.
register_debian_template() {
  "$@" template add debian-12 --if-missing --cloud-init \
    --os "Debian 12 (bookworm)" \
    --storage-pool "$DEBIAN_POOL" --volume root.qcow2 \
    --cores 1 --memory-mib 1024 --disk-gib 3 \
    --kernel "$DEBIAN_DIR/vmlinuz" --initrd "$DEBIAN_DIR/initrd.img" \
    --cmdline "$(cat "$DEBIAN_DIR/cmdline")"
}
