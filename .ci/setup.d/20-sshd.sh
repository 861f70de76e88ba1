# Debian's sshd binary; the SSH suites start their own daemons on loopback ports with generated keys.
ci_need openssh-server openssh-client
bash scripts/ensure-sshd-tools.sh
