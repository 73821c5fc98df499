#!/usr/bin/env bash
# Builds a small bootable demo guest from Debian packages only, for libvirt/QEMU tests (TCG,
# no KVM needed) and for users who want to watch a VM boot.
#
#   usage: bash scripts/demo-guest.sh OUTDIR        (as root, on Debian 12)
#
# Writes into OUTDIR:
#   vmlinuz      Debian's kernel (linux-image-amd64), extracted from the downloaded .deb:
#                the host's /boot and installed kernels are never touched.
#   initrd.img   a tiny gzip'd initramfs: busybox (busybox-static) and the few modules the
#                Debian kernel has as modules (virtio_pci, virtio_blk, ext4 + crc32c,
#                virtio_net, button, evdev and their dependencies), loaded with insmod in
#                dependency order. Its /init mounts root= (ext4, default /dev/vda), moves
#                /dev, /proc, /sys onto it and switch_root's to init= (default /sbin/init).
#                With no root it drops to a shell on the console.
#   root.qcow2   ext4 root filesystem (built with `mke2fs -d`, no loop device): busybox with
#                its applets symlinked, and /sbin/init, a script that mounts proc/sys/dev,
#                sets the hostname `ezilla-demo`, starts udhcpc on eth0 (user-mode network;
#                failure is fine) and acpid (ACPI power button -> poweroff, so `virsh
#                shutdown` works), prints `Ezilla demo guest ready` on every console and
#                execs busybox init, which respawns a root shell (no login) on ttyS0 and tty1.
#   cmdline      the kernel command line to boot with:
#                  root=/dev/vda rw console=tty1 console=ttyS0,115200 quiet
#                (the last console= is /dev/console; the kernel and the banner go to both).
#
# A libvirt domain boots it by direct kernel boot, TCG works:
#   <domain type='qemu'> ... <memory unit='MiB'>256</memory>
#     <os><type arch='x86_64' machine='pc'>hvm</type>
#       <kernel>OUTDIR/vmlinuz</kernel><initrd>OUTDIR/initrd.img</initrd>
#       <cmdline>root=/dev/vda rw console=tty1 console=ttyS0,115200 quiet</cmdline></os>
#     <features><acpi/></features>
#     <devices>
#       <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
#         <source file='OUTDIR/root.qcow2'/><target dev='vda' bus='virtio'/></disk>
#       <interface type='user'><model type='virtio'/></interface>
#       <serial type='pty'/><console type='pty'/>
#       <graphics type='vnc' listen='127.0.0.1' autoport='yes'/><video><model type='vga'/></video>
#     </devices></domain>
# The disk must be virtio (vda); 128 MiB of guest memory is plenty. The root is mounted
# read-write, so give each running domain its own qcow2 overlay backed by root.qcow2
# (`qemu-img create -f qcow2 -F qcow2 -b OUTDIR/root.qcow2 vm.qcow2`) rather than sharing
# root.qcow2 itself. OUTDIR and its files are made world-readable for the libvirt-qemu user
# (its parent directories must let that user through, as /var/lib/libvirt/images does).
# In the guest, udhcpc logs to /run/udhcpc.log; busybox ash asks the terminal for the cursor
# position (ESC [6n) after each prompt, which shows up in raw serial logs.
#
# Idempotent: when OUTDIR already holds all four outputs it exits at once. Host packages it
# lacks (e2fsprogs, qemu-utils, and xz-utils/zstd only for compressed modules) are installed
# with apt-get; the kernel and busybox-static are fetched with `apt-get download` and unpacked
# in a temporary directory, never installed. Env: DEMO_ROOT_SIZE (default 128M).
set -euo pipefail

CMDLINE='root=/dev/vda rw console=tty1 console=ttyS0,115200 quiet'
ROOT_SIZE=${DEMO_ROOT_SIZE:-128M}
HOSTNAME_=ezilla-demo
BANNER='Ezilla demo guest ready'
# Modules to load, in this order, each after its own dependencies. crc32c_generic comes
# before ext4 and jbd2 because they reach crc32c through the crypto API (a softdep, which
# `depends=` does not list). Built-in ones are skipped, and missing optional ones; the other
# required ones must be there.
# ata_piix and sr_mod: the CD drive (/dev/sr0), so a guest sees an ISO inserted or ejected.
REQUIRED_MODULES=(virtio_pci virtio_blk crc32c_generic ext4)
OPTIONAL_MODULES=(virtio_net button evdev ata_piix sr_mod)

log() { printf '\033[1m[demo-guest]\033[0m %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
OUT=$1
OUTPUTS=(vmlinuz initrd.img root.qcow2 cmdline)

# What the initrd was made with: when the module lists change, the kernel and initrd are
# made again. root.qcow2 is never replaced once there (VMs' disks may be backed by it).
MODULES_STAMP="${REQUIRED_MODULES[*]} / ${OPTIONAL_MODULES[*]}"
have_all() {
  local f
  for f in "${OUTPUTS[@]}"; do [ -s "$OUT/$f" ] || return 1; done
  [ "$(cat "$OUT/initrd.modules" 2>/dev/null)" = "$MODULES_STAMP" ]
}
if have_all; then
  exit 0
fi
[ "$(id -u)" -eq 0 ] || die "run as root"

# --- host tools -------------------------------------------------------------------------
APT_UPDATED=
apt_update_once() {
  [ -n "$APT_UPDATED" ] && return
  log "apt-get update"
  apt-get update -qq
  APT_UPDATED=1
}
need_pkg() { # need_pkg COMMAND PACKAGE
  command -v "$1" >/dev/null && return
  log "installing $2"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}
need_pkg mke2fs e2fsprogs
need_pkg qemu-img qemu-utils
MKE2FS_USAGE=$(mke2fs 2>&1 || true)
[[ $MKE2FS_USAGE == *"[-d "* ]] || die "this mke2fs has no -d (e2fsprogs >= 1.43 needed)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ezilla-demo-guest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/debs"
# apt-get download drops privileges to _apt: let it write there (no "unsandboxed" warning).
if getent passwd _apt >/dev/null; then
  chmod 755 "$WORK"
  chown _apt "$WORK/debs"
fi

# apt-get download PACKAGE..., updating the package lists once when a package is unknown
# or its version has left the mirror.
download() {
  if ! (cd "$WORK/debs" && apt-get download -qq "$@" >/dev/null 2>&1); then
    apt_update_once
    (cd "$WORK/debs" && apt-get download -qq "$@" >/dev/null)
  fi
}

# The versioned kernel package behind the linux-image-amd64 metapackage.
kernel_package() {
  apt-cache depends linux-image-amd64 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ && !found { print $2; found = 1 }' || true
}
KPKG=$(kernel_package)
if [ -z "$KPKG" ]; then
  apt_update_once
  KPKG=$(kernel_package)
fi
[ -n "$KPKG" ] || die "cannot resolve linux-image-amd64 to a kernel package"
log "downloading $KPKG and busybox-static"
download "$KPKG" busybox-static
KDEB=$(ls "$WORK"/debs/"$KPKG"_*.deb)
BDEB=$(ls "$WORK"/debs/busybox-static_*.deb)

# --- busybox ----------------------------------------------------------------------------
dpkg-deb -x "$BDEB" "$WORK/bb"
BUSYBOX=$WORK/bb/bin/busybox
[ -x "$BUSYBOX" ] || die "busybox-static has no /bin/busybox"

# --- kernel and modules -----------------------------------------------------------------
# Unpack only what is needed from the kernel .deb (it is ~400 MB unpacked): list it once,
# then pull modules in rounds until every dependency is there.
log "unpacking the kernel from $(basename "$KDEB")"
KX=$WORK/kernel
mkdir -p "$KX"
kernel_tar() { dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C "$KX" "$@"; }
mapfile -t MEMBERS < <(dpkg-deb --fsys-tarfile "$KDEB" | tar -t)
VMLINUZ_MEMBER=''
BUILTIN_MEMBER=''
declare -A MODPATH=()
for p in "${MEMBERS[@]}"; do
  case $p in
    ./boot/vmlinuz-*) VMLINUZ_MEMBER=$p ;;
    ./lib/modules/*/modules.builtin) BUILTIN_MEMBER=$p ;;
    *.ko | *.ko.xz | *.ko.zst | *.ko.gz)
      b=${p##*/}
      b=${b%%.ko*}
      MODPATH[${b//-/_}]=$p
      ;;
  esac
done
[ -n "$VMLINUZ_MEMBER" ] || die "no /boot/vmlinuz-* in $KPKG"
KVER=${VMLINUZ_MEMBER#./boot/vmlinuz-}
kernel_tar "$VMLINUZ_MEMBER" ${BUILTIN_MEMBER:+"$BUILTIN_MEMBER"}
declare -A BUILTIN=()
if [ -n "$BUILTIN_MEMBER" ]; then
  while read -r p; do
    b=${p##*/}
    b=${b%%.ko*}
    BUILTIN[${b//-/_}]=1
  done <"$KX/$BUILTIN_MEMBER"
fi

declare -A MODFILE=() DEPS=()
# Unpacks the named modules (and, round after round, their dependencies) into $KX,
# decompressing .ko.xz/.ko.zst/.ko.gz: busybox insmod reads plain .ko only.
fetch_modules() {
  local pending=("$@") next m p f d
  while [ ${#pending[@]} -gt 0 ]; do
    local members=()
    for m in "${pending[@]}"; do members+=("${MODPATH[$m]}"); done
    kernel_tar "${members[@]}"
    next=()
    for m in "${pending[@]}"; do
      p=$KX/${MODPATH[$m]#./}
      case $p in
        *.ko.xz)
          need_pkg xz xz-utils
          xz -d "$p"
          ;;
        *.ko.zst)
          need_pkg zstd zstd
          zstd -q -d --rm "$p"
          ;;
        *.ko.gz) gzip -d "$p" ;;
      esac
      f=${p%.xz}
      f=${f%.zst}
      f=${f%.gz}
      MODFILE[$m]=$f
      # The .modinfo section holds NUL-separated key=value strings.
      d=$(tr '\0' '\n' <"$f" | sed -n 's/^depends=//p')
      d=${d%%$'\n'*}
      DEPS[$m]=${d//,/ }
      for d in ${DEPS[$m]}; do
        d=${d//-/_}
        [ -n "${MODFILE[$d]:-}" ] || [ -n "${BUILTIN[$d]:-}" ] && continue
        [ -n "${MODPATH[$d]:-}" ] || die "module $m needs $d, which $KPKG lacks"
        case " ${next[*]} ${pending[*]} " in *" $d "*) ;; *) next+=("$d") ;; esac
      done
    done
    pending=(${next[@]+"${next[@]}"})
  done
}
WANTED=()
for m in "${REQUIRED_MODULES[@]}" "${OPTIONAL_MODULES[@]}"; do
  if [ -n "${BUILTIN[$m]:-}" ]; then
    continue
  elif [ -n "${MODPATH[$m]:-}" ]; then
    WANTED+=("$m")
  elif [[ " ${REQUIRED_MODULES[*]} " == *" $m "* ]] && [ "$m" != crc32c_generic ]; then
    die "$KPKG has $m neither built in nor as a module"
  else
    log "note: $KPKG has no module $m; skipped"
  fi
done
fetch_modules "${WANTED[@]}"
ORDER=()
declare -A PLACED=()
place() {
  local m=$1 d
  [ -n "${PLACED[$m]:-}" ] && return
  PLACED[$m]=1
  for d in ${DEPS[$m]:-}; do
    d=${d//-/_}
    [ -n "${MODFILE[$d]:-}" ] && place "$d"
  done
  ORDER+=("$m")
}
for m in "${WANTED[@]}"; do place "$m"; done
log "kernel $KVER, modules: ${ORDER[*]}"

# --- initramfs --------------------------------------------------------------------------
IR=$WORK/initramfs
mkdir -p "$IR"/{bin,dev,proc,sys,newroot,lib/modules/"$KVER"}
cp "$BUSYBOX" "$IR/bin/busybox"
while read -r a; do
  [ "$a" = busybox ] || ln -s busybox "$IR/bin/$a"
done < <("$BUSYBOX" --list)
for m in "${ORDER[@]}"; do
  cp "${MODFILE[$m]}" "$IR/lib/modules/$KVER/$m.ko"
  echo "$m"
done >"$IR/lib/modules/$KVER/load-order"
cat >"$IR/init" <<EOF
#!/bin/sh
# Ezilla demo guest initramfs: load the modules, mount root=, switch_root to init=.
export PATH=/bin
KVER=$KVER
EOF
cat >>"$IR/init" <<'EOF'
mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev
mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys

# Print on every active console (console=tty1 console=ttyS0: both).
say() {
  local c out=
  for c in $(cat /sys/class/tty/console/active 2>/dev/null); do
    [ -c "/dev/$c" ] && echo "$*" 2>/dev/null >"/dev/$c" && out=1
  done
  [ -n "$out" ] || echo "$*" >/dev/console
}
rescue() {
  say "initramfs: $*; starting a shell"
  exec setsid cttyhack sh
}

root=/dev/vda rootfstype=ext4 rootflags='' mode=rw init=/sbin/init
for arg in $(cat /proc/cmdline); do
  case $arg in
    root=*) root=${arg#root=} ;;
    rootfstype=*) rootfstype=${arg#rootfstype=} ;;
    rootflags=*) rootflags=,${arg#rootflags=} ;;
    init=*) init=${arg#init=} ;;
    ro) mode=ro ;;
    rw) mode=rw ;;
  esac
done

while read -r m; do
  insmod "/lib/modules/$KVER/$m.ko" || say "initramfs: insmod $m failed"
done <"/lib/modules/$KVER/load-order"

# Wait up to 10 s for the root device (LABEL=/UUID= are looked up with findfs).
i=0
while :; do
  case $root in
    LABEL=* | UUID=*) dev=$(findfs "$root" 2>/dev/null) ;;
    *) dev=$root ;;
  esac
  [ -n "$dev" ] && [ -b "$dev" ] && break
  [ $i -ge 100 ] && rescue "root device $root did not appear"
  sleep 0.1
  i=$((i + 1))
done
mount -t "$rootfstype" -o "$mode$rootflags" "$dev" /newroot || rescue "cannot mount $dev"
[ -x "/newroot$init" ] || [ -L "/newroot$init" ] || rescue "no $init on $dev"
for d in dev proc sys; do
  mkdir -p "/newroot/$d"
  mount --move "/$d" "/newroot/$d"
done
exec switch_root /newroot "$init"
EOF
chmod 755 "$IR/init"
log "packing initrd.img"
(cd "$IR" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort | "$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) |
  gzip -9 -n >"$WORK/initrd.img"

# --- root filesystem --------------------------------------------------------------------
R=$WORK/root
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,run,tmp,root,mnt,var/log}
ln -s /run "$R/var/run"
mkdir -p "$R"/etc/acpi/PWRF "$R"/usr/share/udhcpc
chmod 1777 "$R/tmp"
chmod 700 "$R/root"
cp "$BUSYBOX" "$R/bin/busybox"
while read -r a; do
  case $a in bin/busybox | sbin/init | linuxrc) continue ;; esac
  [ -e "$R/$a" ] || ln -s /bin/busybox "$R/$a"
done < <("$BUSYBOX" --list-full)

cat >"$R/sbin/init" <<EOF
#!/bin/sh
# Ezilla demo guest init: set the system up, say so, then hand PID 1 to busybox init,
# which runs /etc/inittab (a root shell on ttyS0 and on tty1, respawned).
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
BANNER='$BANNER'
EOF
cat >>"$R/sbin/init" <<'EOF'
# busybox has no mountpoint applet; without /proc nothing counts as mounted.
mounted() { grep -qs "^[^ ]* $1 " /proc/mounts; }
mounted /proc || mount -t proc -o nosuid,nodev,noexec proc /proc
mounted /sys || mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mounted /dev || mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mounted /dev/pts || mount -t devpts -o nosuid,noexec,gid=5,mode=620 devpts /dev/pts
mounted /dev/shm || mount -t tmpfs -o nosuid,nodev tmpfs /dev/shm
mounted /run || mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run
mounted /tmp || mount -t tmpfs -o nosuid,nodev tmpfs /tmp
hostname -F /etc/hostname
ip link set lo up
# Power button (virsh shutdown) -> /etc/acpi/PWRF/00000080 -> poweroff.
acpid -l /dev/null 2>/dev/null
# DHCP on eth0 in the background (QEMU user-mode network answers; fine if it fails).
if [ -e /sys/class/net/eth0 ]; then
  udhcpc -i eth0 -b -t 5 -T 2 -A 10 -s /usr/share/udhcpc/default.script \
    >/run/udhcpc.log 2>&1 &
fi
for c in $(cat /sys/class/tty/console/active 2>/dev/null) tty1 ttyS0; do
  case " $said " in *" $c "*) continue ;; esac
  said="$said $c"
  [ -c "/dev/$c" ] && echo "$BANNER" 2>/dev/null >"/dev/$c"
done
exec /bin/busybox init
EOF
chmod 755 "$R/sbin/init"

cat >"$R/etc/inittab" <<'EOF'
# busybox init: a root shell on the serial console and on the VGA console, respawned.
::respawn:/sbin/demo-getty ttyS0 115200 vt100
::respawn:/sbin/demo-getty tty1 38400 linux
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/sync
::shutdown:/bin/mount -o remount,ro /
EOF
cat >"$R/sbin/demo-getty" <<'EOF'
#!/bin/sh
# demo-getty TTY BAUD TERM: a shell without login on TTY. A port that cannot be opened
# (no serial device) is retried once a minute rather than respawned in a tight loop.
stty -F "/dev/$1" >/dev/null 2>&1 || exec sleep 60
exec /sbin/getty -n -i -l /sbin/demo-shell -L "$2" "$1" "$3"
EOF
cat >"$R/sbin/demo-shell" <<'EOF'
#!/bin/sh
# Started by getty (-n: no login): a root login shell.
export HOME=/root USER=root LOGNAME=root SHELL=/bin/sh
cd /root 2>/dev/null
exec /bin/sh -l
EOF
chmod 755 "$R/sbin/demo-getty" "$R/sbin/demo-shell"
cat >"$R/etc/profile" <<'EOF'
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
# Static busybox cannot look users up (no NSS), so \u would be empty.
export PS1='root@\h:\w\$ '
echo "Ezilla demo guest: busybox shell on $(tty). 'poweroff' shuts the VM down."
EOF
cat >"$R/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
poweroff
EOF
chmod 755 "$R/etc/acpi/PWRF/00000080"
cat >"$R/usr/share/udhcpc/default.script" <<'EOF'
#!/bin/sh
# udhcpc hook: apply the lease to $interface.
case $1 in
  deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    ;;
  bound | renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" ${broadcast:+broadcast "$broadcast"} dev "$interface"
    for r in $router; do ip route replace default via "$r" dev "$interface"; break; done
    : >/etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >>/etc/resolv.conf; done
    [ -n "$domain" ] && echo "search $domain" >>/etc/resolv.conf
    ;;
esac
exit 0
EOF
chmod 755 "$R/usr/share/udhcpc/default.script"
echo "$HOSTNAME_" >"$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$HOSTNAME_" >"$R/etc/hosts"
printf 'root::0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\ntty:x:5:\n' >"$R/etc/group"
: >"$R/etc/resolv.conf"
printf '/dev/vda\t/\text4\trw\t0\t1\n' >"$R/etc/fstab"
printf 'PRETTY_NAME="Ezilla demo guest (Debian kernel %s, busybox)"\nNAME="Ezilla demo"\nID=ezilla-demo\n' \
  "$KVER" >"$R/etc/os-release"

log "making root.qcow2 ($ROOT_SIZE ext4)"
mke2fs -q -F -t ext4 -L ezilla-root -E root_owner=0:0 -d "$R" "$WORK/root.img" "$ROOT_SIZE" >/dev/null
qemu-img convert -f raw -O qcow2 "$WORK/root.img" "$WORK/root.qcow2"

# --- outputs ----------------------------------------------------------------------------
mkdir -p "$OUT"
chmod 755 "$OUT"
cp "$KX/${VMLINUZ_MEMBER#./}" "$WORK/vmlinuz"
echo "$CMDLINE" >"$WORK/cmdline"
echo "$MODULES_STAMP" >"$WORK/initrd.modules"
for f in "${OUTPUTS[@]}" initrd.modules; do
  [ "$f" = root.qcow2 ] && [ -s "$OUT/$f" ] && continue
  cp "$WORK/$f" "$OUT/.$f.part"
  chmod 644 "$OUT/.$f.part"
  mv -f "$OUT/.$f.part" "$OUT/$f"
done
log "done: $OUT/{vmlinuz,initrd.img,root.qcow2,cmdline}"
if getent passwd libvirt-qemu >/dev/null && command -v runuser >/dev/null &&
  ! runuser -u libvirt-qemu -- test -r "$OUT/root.qcow2" 2>/dev/null; then
  log "note: the libvirt-qemu user cannot read $OUT (a parent directory is closed to it)"
fi
du -h "${OUTPUTS[@]/#/$OUT/}" >&2
