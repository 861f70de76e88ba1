#!/bin/sh
# Builds the VM-like test images the SSH end-to-end suites use (test/ssh-e2e): no registry is reachable, so
#   reef-test/vm:latest         a Debian bookworm rootfs from debootstrap (minbase + openssh-server, python3,
#                               busybox), imported with `docker import`;
#   reef-test/vm-puppet:latest  the same plus Debian's puppet, a layer built with `docker build` (Dockerfile.puppet).
# A container of either runs vm-init: fresh host keys per container, $AUTHORIZED_KEY into root's authorized_keys,
# $ROOT_PASSWORD (if set) as root's password, then sshd in the foreground.
# Idempotent: does nothing when both images exist (REEF_REBUILD_IMAGES=1 forces a rebuild). --no-puppet skips the
# puppet layer. The mirror is the one this machine's apt uses.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
VM=reef-test/vm:latest
VM_PUPPET=reef-test/vm-puppet:latest
SUITE=bookworm
with_puppet=yes
[ "${1:-}" = "--no-puppet" ] && with_puppet=""

have_image() { docker image inspect "$1" >/dev/null 2>&1; }
now() { date +%s; }

# The first http(s) URI for Debian's main archive in apt's sources (deb822 or one-line format).
apt_mirror() {
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" && $2 !~ /^\[/ && $2 !~ /security/ && $3 ~ /^bookworm$/ { print $2; exit }' "$f"
  done
}

rebuild=${REEF_REBUILD_IMAGES:-0}
if [ "$rebuild" != 1 ] && have_image "$VM" && { [ -z "$with_puppet" ] || have_image "$VM_PUPPET"; }; then
  exit 0
fi

if [ "$rebuild" = 1 ] || ! have_image "$VM"; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    echo "build-vm-image: installing debootstrap"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq debootstrap >/dev/null
  fi
  MIRROR=${REEF_DEBIAN_MIRROR:-$(apt_mirror | head -n 1)}
  [ -n "$MIRROR" ] || { echo "build-vm-image: no Debian mirror found in apt's sources" >&2; exit 1; }

  started=$(now)
  ROOTFS=$(mktemp -d /tmp/reef-vm-rootfs.XXXXXX)
  trap 'rm -rf "$ROOTFS"' EXIT
  echo "build-vm-image: debootstrap $SUITE from $MIRROR"
  debootstrap --variant=minbase --include=openssh-server,python3,busybox \
    "$SUITE" "$ROOTFS" "$MIRROR" >"$ROOTFS.log" 2>&1 || {
    echo "build-vm-image: debootstrap failed; last lines of $ROOTFS.log:" >&2
    tail -n 30 "$ROOTFS.log" >&2
    exit 1
  }
  rm -f "$ROOTFS.log"

  # Host keys made at package install would be shared by every container: vm-init makes them per container.
  rm -f "$ROOTFS"/etc/ssh/ssh_host_*
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
  install -m 0755 "$HERE/vm-init.sh" "$ROOTFS/usr/local/sbin/vm-init"
  cat > "$ROOTFS/etc/ssh/sshd_config.d/reef-test.conf" <<'CONF'
PermitRootLogin yes
UsePAM no
UseDNS no
CONF
  echo "reef-vm" > "$ROOTFS/etc/hostname"

  tar --numeric-owner -C "$ROOTFS" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'EXPOSE 22' \
    --change 'CMD ["/usr/local/sbin/vm-init"]' \
    - "$VM" >/dev/null
  echo "build-vm-image: built $VM in $(( $(now) - started )) s, $(docker image inspect -f '{{.Size}}' "$VM") bytes"
fi

if [ -n "$with_puppet" ] && { [ "$rebuild" = 1 ] || ! have_image "$VM_PUPPET"; }; then
  started=$(now)
  # The RUN step fetches puppet from the same Debian mirror through the engine's bridge network.
  DOCKER_BUILDKIT=0 docker build -q -t "$VM_PUPPET" -f "$HERE/Dockerfile.puppet" "$HERE" >/tmp/reef-vm-puppet.log 2>&1 || {
    echo "build-vm-image: docker build of $VM_PUPPET failed:" >&2
    tail -n 30 /tmp/reef-vm-puppet.log >&2
    exit 1
  }
  rm -f /tmp/reef-vm-puppet.log
  echo "build-vm-image: built $VM_PUPPET in $(( $(now) - started )) s, $(docker image inspect -f '{{.Size}}' "$VM_PUPPET") bytes"
fi
