#!/bin/sh
# Entry point of the reef-test/vm images: behaves like a freshly booted VM that accepts SSH.
set -eu
ssh-keygen -A >/dev/null
mkdir -p /run/sshd /root/.ssh
chmod 700 /root/.ssh
if [ -n "${AUTHORIZED_KEY:-}" ]; then
  printf '%s\n' "$AUTHORIZED_KEY" > /root/.ssh/authorized_keys
  chmod 600 /root/.ssh/authorized_keys
fi
if [ -n "${ROOT_PASSWORD:-}" ]; then
  printf 'root:%s\n' "$ROOT_PASSWORD" | chpasswd
fi
# The secrets must not stay visible in the environment of the login sessions.
unset AUTHORIZED_KEY ROOT_PASSWORD
exec /usr/sbin/sshd -D -e
