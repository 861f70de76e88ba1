#!/bin/sh
# Makes a Docker engine answer on this machine and builds reef's local test images. Idempotent; meant for a
# fresh Debian machine run as root (.ci/run). Apt does not start services here, so dockerd is started in the
# background when `docker info` does not answer; its log goes to ${DOCKERD_LOG:-/tmp/dockerd.log}.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)

missing=""
command -v docker >/dev/null 2>&1 || missing="$missing docker.io"
[ -x /bin/busybox ] && ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' || missing="$missing busybox-static"
if [ -n "$missing" ]; then
  echo "ensure-docker: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q $missing
fi

if ! docker info >/dev/null 2>&1; then
  echo "ensure-docker: starting dockerd"
  # setsid: the engine must outlive this script and not share its process group.
  setsid dockerd >"${DOCKERD_LOG:-/tmp/dockerd.log}" 2>&1 < /dev/null &
  tries=0
  until docker info >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      echo "ensure-docker: dockerd did not answer within 30 s; last log lines:" >&2
      tail -n 20 "${DOCKERD_LOG:-/tmp/dockerd.log}" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
fi

"$ROOT/test/docker/build-images.sh"
echo "ensure-docker: engine $(docker version --format '{{.Server.Version}}') ready"
