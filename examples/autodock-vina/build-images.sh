#!/bin/sh
# Builds reef-test/vina:latest, the image every node of this example runs: Debian bookworm with Debian's
# autodock-vina installed at build time (the containers never reach a package archive), the inputs in data/ and
# image/reef_vina.py. Builds on reef-test/vm (test/images/build-vm-image.sh, built first when missing).
# Cached: nothing happens when the image's label already carries the hash of data/ and image/
# (REEF_REBUILD_IMAGES=1 forces a rebuild).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
IMAGE=reef-test/vina:latest
INPUTS=$(cd "$HERE" && find data image -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)

have=$(docker image inspect -f '{{ index .Config.Labels "reef.vina.inputs" }}' "$IMAGE" 2>/dev/null || true)
if [ "${REEF_REBUILD_IMAGES:-0}" != 1 ] && [ "$have" = "$INPUTS" ]; then
  exit 0
fi
docker image inspect reef-test/vm:latest >/dev/null 2>&1 || sh "$HERE/../../test/images/build-vm-image.sh" --no-puppet

started=$(date +%s)
LOG=$(mktemp /tmp/reef-vina-build.XXXXXX)
# The RUN step fetches autodock-vina from the Debian mirror through the engine's bridge network.
DOCKER_BUILDKIT=0 docker build -q --build-arg "INPUTS=$INPUTS" -t "$IMAGE" -f "$HERE/image/Dockerfile" "$HERE" >"$LOG" 2>&1 || {
  echo "build-images: docker build of $IMAGE failed:" >&2
  tail -n 30 "$LOG" >&2
  rm -f "$LOG"
  exit 1
}
rm -f "$LOG"
echo "build-images: built $IMAGE in $(( $(date +%s) - started )) s, $(docker image inspect -f '{{.Size}}' "$IMAGE") bytes"
