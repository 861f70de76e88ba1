#!/bin/sh
# Builds reef-test/vm-wordpress:latest (examples/wordpress-mysql, test/wordpress-e2e): reef-test/vm plus Debian's
# mariadb-server, wordpress, apache2 and php, installed at build time (Dockerfile.wordpress) so containers never
# reach the package archive. Idempotent: does nothing when the image exists (REEF_REBUILD_IMAGES=1 forces it).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
IMAGE=reef-test/vm-wordpress:latest
if [ "${REEF_REBUILD_IMAGES:-0}" != 1 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then exit 0; fi
docker image inspect reef-test/vm:latest >/dev/null 2>&1 || sh "$HERE/build-vm-image.sh" --no-puppet
started=$(date +%s)
LOG=$(mktemp /tmp/reef-vm-wordpress.XXXXXX.log)
# The RUN step fetches the packages from the Debian mirror the base image's apt uses, through the engine's bridge.
DOCKER_BUILDKIT=0 docker build -q -t "$IMAGE" -f "$HERE/Dockerfile.wordpress" "$HERE" >"$LOG" 2>&1 || {
  echo "build-wordpress-image: docker build of $IMAGE failed:" >&2
  tail -n 30 "$LOG" >&2
  rm -f "$LOG"
  exit 1
}
rm -f "$LOG"
echo "build-wordpress-image: built $IMAGE in $(( $(date +%s) - started )) s, $(docker image inspect -f '{{.Size}}' "$IMAGE") bytes"
