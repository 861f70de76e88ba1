#!/bin/sh
# Builds the local test images reef's Docker tests and examples use. No registry is reachable, so the images
# are imported from a rootfs holding busybox-static. Idempotent and fast when the images already exist;
# REEF_REBUILD_IMAGES=1 forces a rebuild.
set -eu

BASE=reef-test/busybox:latest
HEALTHY=reef-test/busybox-healthy:latest
BUSYBOX=${BUSYBOX:-/bin/busybox}
APPLETS="sh ash ping httpd nc wget sleep cat echo mkdir ls ps kill hostname ip ifconfig env grep tail head
  true false test date printf rm cp mv touch sed awk seq wc tee id uname which timeout nslookup top vi"

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

if [ "${REEF_REBUILD_IMAGES:-0}" != 1 ] && have_image "$BASE" && have_image "$HEALTHY"; then
  exit 0
fi

if [ ! -x "$BUSYBOX" ] || ! ldd "$BUSYBOX" 2>&1 | grep -q "not a dynamic"; then
  echo "build-images: $BUSYBOX missing or not static (apt-get install busybox-static)" >&2
  exit 1
fi

ROOTFS=$(mktemp -d)
trap 'rm -rf "$ROOTFS"' EXIT
mkdir -p "$ROOTFS/bin" "$ROOTFS/tmp" "$ROOTFS/var/www" "$ROOTFS/etc" "$ROOTFS/proc" "$ROOTFS/sys" "$ROOTFS/dev"
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
for applet in $APPLETS; do
  ln -sf busybox "$ROOTFS/bin/$applet"
done
chmod 1777 "$ROOTFS/tmp"
echo 'root:x:0:0:root:/:/bin/sh' > "$ROOTFS/etc/passwd"
echo 'root:x:0:' > "$ROOTFS/etc/group"

tar -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/bin' \
  --change 'CMD ["sh"]' \
  - "$BASE" >/dev/null

# The same rootfs with a HEALTHCHECK: healthy once /tmp/healthy exists (the default command creates it).
tar -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/bin' \
  --change 'CMD ["sh", "-c", "touch /tmp/healthy; exec sleep 3600"]' \
  --change 'HEALTHCHECK --interval=1s --timeout=1s --retries=1 CMD test -f /tmp/healthy' \
  - "$HEALTHY" >/dev/null

echo "build-images: built $BASE and $HEALTHY"
