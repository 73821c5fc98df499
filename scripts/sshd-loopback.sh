#!/usr/bin/env bash
# A private sshd on 127.0.0.1 so tests can drive libvirt's remote path over SSH (qemu+ssh://)
# against this very machine. Sourced by the test script:
#
#   source scripts/sshd-loopback.sh
#   start_loopback_sshd   # then connect to "$EZILLA_TEST_SSH_URI"
#   stop_loopback_sshd    # at the end: stops it if start_loopback_sshd started it
#
# Everything lives in /var/lib/ezilla-test/ssh: a throwaway client key, the host key,
# authorized_keys and, per port, sshd-PORT.config/.pid/.log; root's authorized_keys and
# /etc/ssh stay untouched. The port is 2222 unless EZILLA_TEST_SSH_PORT says otherwise.
# On the remote side libvirt runs virt-ssh-helper (package libvirt-daemon). libvirt's own
# ssh records the host key in root's ~/.ssh/known_hosts; with no_verify=1 a stale entry
# there (after the host key is regenerated) does not matter.

# The pid of the listening sshd that start_loopback_sshd started, and its port (empty if it
# found one running).
LOOPBACK_SSHD_PID=
LOOPBACK_SSHD_PORT=

# Installs openssh-server/-client if missing, writes the keys and config, starts sshd unless
# our sshd is already running, and waits up to ~20 s for a key login. Fast when all is
# already up. Exports EZILLA_TEST_SSH_KEY and EZILLA_TEST_SSH_URI. On failure prints why on
# stderr and returns non-zero.
start_loopback_sshd() {
  local dir=/var/lib/ezilla-test/ssh port=${EZILLA_TEST_SSH_PORT:-2222}
  local key=$dir/id_ed25519 conf=$dir/sshd-$port.config log=$dir/sshd-$port.log
  local ssh=(ssh -i "$key" -p "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
    -o BatchMode=yes -o IdentitiesOnly=yes -o ConnectTimeout=2 -o LogLevel=ERROR root@127.0.0.1)
  export EZILLA_TEST_SSH_KEY=$key
  # no_verify=1: ssh -o StrictHostKeyChecking=no; no_tty=1: ssh -o BatchMode=yes (never prompt).
  export EZILLA_TEST_SSH_URI="qemu+ssh://root@127.0.0.1:$port/system?keyfile=$key&no_verify=1&no_tty=1"

  # Fast path: already set up and answering.
  [ -r "$key" ] && command -v ssh >/dev/null && "${ssh[@]}" true </dev/null 2>/dev/null && return 0

  local missing=() p
  for p in openssh-server openssh-client; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  command -v virt-ssh-helper >/dev/null || missing+=(libvirt-daemon)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "[sshd-loopback] apt: ${missing[*]}"
    # No init system here: keep the postinst from starting the system sshd on port 22.
    local policy=/usr/sbin/policy-rc.d own_policy=
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 0755 "$policy" && own_policy=1
    fi
    local rc=0
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null; } || rc=$?
    [ -z "$own_policy" ] || rm -f "$policy"
    [ $rc -eq 0 ] || { echo "[sshd-loopback] apt-get install ${missing[*]} failed" >&2; return 1; }
  fi

  # StrictModes: the key files and every directory above them must not be group/world-writable.
  mkdir -p "$dir" /run/sshd && chmod 0700 "$dir" && chmod go-w "$(dirname "$dir")" || return 1
  [ -f "$key" ] || ssh-keygen -q -t ed25519 -N '' -C ezilla-test -f "$key" || return 1
  [ -f "$dir/ssh_host_ed25519_key" ] ||
    ssh-keygen -q -t ed25519 -N '' -C ezilla-test-host -f "$dir/ssh_host_ed25519_key" || return 1
  chmod 0600 "$key" "$dir/ssh_host_ed25519_key"
  install -m 0600 "$key.pub" "$dir/authorized_keys"
  cat >"$conf" <<EOF
# Private loopback sshd for Ezilla's tests (scripts/sshd-loopback.sh).
ListenAddress 127.0.0.1
Port $port
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd-$port.pid
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
AuthenticationMethods publickey
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes yes
X11Forwarding no
# Forwards to this host's loopback only: the VMs' forwarded SSH and HTTP ports.
AllowTcpForwarding local
PermitOpen 127.0.0.1:*
AllowAgentForwarding no
PermitTunnel no
PrintMotd no
UseDNS no
EOF

  # The listener's command line keeps the config path; the pid file could be stale.
  if ! pgrep -f -- "-f $conf " >/dev/null; then
    /usr/sbin/sshd -f "$conf" -E "$log" || { echo "[sshd-loopback] sshd failed: $log" >&2; return 1; }
    LOOPBACK_SSHD_PORT=$port
  fi

  local deadline=$((SECONDS + 20))
  until "${ssh[@]}" true </dev/null 2>/dev/null; do
    # sshd forks before it binds: a taken port shows as the daemon gone.
    if ! pgrep -f -- "-f $conf " >/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "[sshd-loopback] no key login as root@127.0.0.1:$port (sshd gone or 20 s passed;" \
        "root's account locked?). $log says:" >&2
      "${ssh[@]}" true </dev/null >&2 || true
      tail -n 3 "$log" >&2 || true
      return 1
    fi
    sleep 0.5
  done
  # Ours, and up: its listener is the oldest process whose command line names the config
  # (sessions retitle themselves).
  if [ -n "$LOOPBACK_SSHD_PORT" ]; then
    LOOPBACK_SSHD_PID=$(pgrep -of -- "-f $conf ")
  fi
}

# Stops the sshd that start_loopback_sshd started, if it did (an sshd it found running is left
# alone): its sessions (children of the listener) and the listener, by pid; waits up to 10 s
# for the listener to end. Returns non-zero, saying so, if it has not.
stop_loopback_sshd() {
  local port=$LOOPBACK_SSHD_PORT pid
  [ -n "$port" ] || return 0
  # The listener there now, not the one started: a test takes the host away and brings it
  # back (tests/qemu/remote.rs), which makes a new listener of the same config.
  pid=$(pgrep -of -- "-f /var/lib/ezilla-test/ssh/sshd-$port.config ") || return 0
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sshd ] || return 0
  pkill -TERM -P "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      echo "[sshd-loopback] sshd (pid $pid, port $port) still runs 10 s after SIGTERM" >&2
      return 1
    fi
    sleep 0.2
  done
}
