#!/usr/bin/env bash
# Builds a Debian 12 cloud guest from Debian packages only: the template `debian-12`, a VM a
# person can work on (SSH, a web server, cloud-init, the QEMU guest agent).
#
#   usage: bash scripts/debian-guest.sh OUTDIR        (as root, on Debian 12)
#
# Writes into OUTDIR:
#   root.qcow2   ext4 root filesystem (made with `mke2fs -d`, no loop device) of an
#                `mmdebstrap --variant=apt` bookworm with linux-image-cloud-amd64, systemd
#                (systemd-networkd doing DHCP on eth0; dbus, so that logind takes the ACPI
#                power button and the agent's shutdown),
#                openssh-server, cloud-init (NoCloud only, so it never waits for a metadata
#                server), qemu-guest-agent, sudo and nginx, whose default page says
#                "Ezilla Debian guest" and whose access log keeps every request's headers
#                (/var/log/nginx/headers.log). No SSH host keys and no machine-id: each VM
#                makes its own at first boot.
#   vmlinuz, initrd.img   the kernel and initramfs from the root's /boot (direct kernel boot).
#   cmdline      root=/dev/vda rw console=tty1 console=ttyS0,115200 net.ifnames=0
#   stamp        the SHA-256 of this script: the guest is rebuilt only when the script changes.
#
# The VM needs a NoCloud seed (an ISO labelled `cidata`) for its user and keys; Ezilla makes
# one per VM. Takes about 2 minutes and 500 MB on these machines. Env: DEBIAN_ROOT_SIZE
# (default 3G: the disk the VM's overlay starts from).
set -euo pipefail

OUT=${1:?usage: debian-guest.sh OUTDIR}
ROOT_SIZE=${DEBIAN_ROOT_SIZE:-3G}
CMDLINE='root=/dev/vda rw console=tty1 console=ttyS0,115200 net.ifnames=0'
PACKAGES=linux-image-cloud-amd64,systemd-sysv,udev,dbus,openssh-server,cloud-init,qemu-guest-agent,sudo,nginx,ca-certificates
STAMP=$(sha256sum "$0" | cut -d' ' -f1)

log() { printf '\033[1m[debian-guest]\033[0m %s\n' "$*"; }

if [ "$(cat "$OUT/stamp" 2>/dev/null)" = "$STAMP" ] &&
  [ -s "$OUT/root.qcow2" ] && [ -s "$OUT/vmlinuz" ] && [ -s "$OUT/initrd.img" ]; then
  exit 0
fi

missing=()
for p in mmdebstrap e2fsprogs qemu-utils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
fi

WORK=$(mktemp -d /var/tmp/ezilla-debian.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
R=$WORK/root

log "mmdebstrap bookworm ($PACKAGES)"
mmdebstrap --quiet --variant=apt --include="$PACKAGES" \
  --customize-hook='chroot "$1" apt-get clean' \
  bookworm "$R" \
  "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"

log "configuring the root"
echo ezilla-debian >"$R/etc/hostname"
printf '/dev/vda / ext4 defaults,errors=remount-ro 0 1\n' >"$R/etc/fstab"
# Every VM makes its own identity at first boot.
rm -f "$R"/etc/ssh/ssh_host_*
: >"$R/etc/machine-id"
rm -f "$R/var/lib/dbus/machine-id"
# NoCloud only: no waiting for metadata servers a guest cannot reach. The network is the
# image's own (DHCP on eth0 by systemd-networkd, which Debian leaves off), not cloud-init's:
# with neither ifupdown nor netplan installed, cloud-init would configure none.
cat >"$R/etc/cloud/cloud.cfg.d/90-ezilla.cfg" <<'EOF'
datasource_list: [ NoCloud, None ]
network: { config: disabled }
locale: C.UTF-8
ssh_deletekeys: true
ssh_genkeytypes: [ ed25519, ecdsa, rsa ]
EOF
printf '[Match]\nName=eth0\n\n[Network]\nDHCP=ipv4\n' >"$R/etc/systemd/network/80-eth0.network"
# The guest's page, and the headers of every request in a log of their own.
printf '<!doctype html><title>Ezilla Debian guest</title><h1>Ezilla Debian guest</h1>\n' \
  >"$R/var/www/html/index.html"
cat >"$R/etc/nginx/conf.d/headers-log.conf" <<'EOF'
log_format headers '$remote_addr "$request" host="$http_host" cookie="$http_cookie" authorization="$http_authorization"';
access_log /var/log/nginx/headers.log headers;
EOF
chroot "$R" systemctl enable systemd-networkd qemu-guest-agent ssh nginx >/dev/null 2>&1 || true

mkdir -p "$OUT"
cp "$(ls "$R"/boot/vmlinuz-* | sort -V | tail -1)" "$WORK/vmlinuz"
cp "$(ls "$R"/boot/initrd.img-* | sort -V | tail -1)" "$WORK/initrd.img"

log "ext4 root ($ROOT_SIZE) and qcow2"
truncate -s "$ROOT_SIZE" "$WORK/root.raw"
mke2fs -q -t ext4 -L root -d "$R" "$WORK/root.raw"
qemu-img convert -O qcow2 "$WORK/root.raw" "$WORK/root.qcow2"

for f in vmlinuz initrd.img root.qcow2; do
  install -m 0644 "$WORK/$f" "$OUT/$f"
done
echo "$CMDLINE" >"$OUT/cmdline"
chmod 0755 "$OUT"
echo "$STAMP" >"$OUT/stamp"
log "done: $(du -sh "$OUT" | cut -f1) in $OUT"
