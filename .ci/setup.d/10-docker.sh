# Docker engine (started in the background when it does not answer; stopped at the end only if this run started it),
# busybox test images, and the VM-like images for the SSH suites (debootstrap; cached).
ci_need docker.io busybox-static iputils-ping debootstrap ca-certificates
if ! docker info >/dev/null 2>&1; then
  ci_on_exit '[ -f /var/run/docker.pid ] && kill "$(cat /var/run/docker.pid)"'
fi
bash scripts/ensure-docker.sh
bash test/images/build-vm-image.sh
