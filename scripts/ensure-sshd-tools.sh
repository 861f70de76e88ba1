#!/bin/sh
# Installs what the SSH suites (test/ssh) need on a fresh Debian, idempotently: openssh-server for the test sshd,
# ansible-core and puppet for the config-manager suites (skip those two with --sshd-only). apt-get update runs
# only when something is missing, at most once.
set -eu
want="openssh-server ansible-core puppet"
[ "${1:-}" = "--sshd-only" ] && want="openssh-server"

missing=""
for pkg in $want; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# apt does not start services here; the tests start their own sshd but it needs its privilege-separation dir.
mkdir -p /run/sshd
test -x /usr/sbin/sshd
echo "ssh tools ready:${missing:- nothing to install}"
