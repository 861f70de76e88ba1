#!/bin/sh
# Builds the local image this example runs (reef-test/busybox:latest, from busybox-static; no registry needed).
set -eu
exec "$(dirname "$0")/../../test/docker/build-images.sh"
