# OpenStack Zed from Debian (Keystone, Glance, Placement, Nova with the fake virt driver, Neutron) on 127.0.0.1
# for the nova driver's suites (test/nova, test/nova-e2e). Costs about 4-9 min of apt on a fresh machine plus
# ~2 min to start, 3.3 GB of RAM. scripts/openstack/openstack.sh installs its own packages (with a policy-rc.d so
# the packages start no system services) and stops only what it started.
export REEF_OS_DIR=${REEF_OS_DIR:-/var/tmp/reef-openstack-ci}
bash scripts/openstack/openstack.sh up >/dev/null
ci_on_exit 'bash scripts/openstack/openstack.sh down'
set -a
# shellcheck disable=SC1091
source "$REEF_OS_DIR/openrc"
# shellcheck disable=SC1091
source "$REEF_OS_DIR/appcred.env"
set +a
