#!/bin/sh
# Installs what the SSH suites need on a fresh Debian, idempotently: openssh-server (the test sshd), and the
# config-manager tools (ansible-core, puppet) when asked with --config-tools. apt-get update runs at most once.
set -eu
want="openssh-server"
[ "${1:-}" = "--config-tools" ] && want="$want ansible-core puppet"

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
