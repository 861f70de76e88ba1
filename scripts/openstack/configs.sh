#!/usr/bin/env bash
# Writes every service's configuration under $CONF (called by openstack.sh up; rewritten on each start).
# Inputs from the environment: REEF_OS_STATE CONF DB MQ KEYSTONE SERVICE_PW COMPUTE_HOST MQ_PORT PY.
set -euo pipefail
S=$REEF_OS_STATE
mkdir -p "$CONF/placement"

# keystone_authtoken for service NAME, and a [SECTION] for service-to-service calls as user NAME
token_check() {
  printf '[keystone_authtoken]\nwww_authenticate_uri = %s/\nauth_url = %s/\nauth_type = password\n' "$KEYSTONE" "$KEYSTONE"
  printf 'project_domain_name = Default\nuser_domain_name = Default\nproject_name = service\nusername = %s\n' "$1"
  printf 'password = %s\nregion_name = RegionOne\nservice_token_roles_required = true\n' "$SERVICE_PW"
}
service_client() {
  printf '[%s]\nauth_url = %s/\nauth_type = password\nproject_domain_name = Default\nuser_domain_name = Default\n' "$1" "$KEYSTONE"
  printf 'project_name = service\nusername = %s\npassword = %s\nregion_name = RegionOne\n' "$2" "$SERVICE_PW"
}
# uwsgi ini for a WSGI app on PORT; http-socket closes connections after each answer, so say so (clients
# that reuse a connection would otherwise get a reset on their second request)
uwsgi_ini() {
  cat <<INI
[uwsgi]
plugins = python3
http-socket = 127.0.0.1:$1
wsgi-file = $2
env = $3
master = true
processes = 2
threads = ${4:-2}
enable-threads = true
lazy-apps = true
die-on-term = true
buffer-size = 65535
listen = 100
add-header = Connection: close
INI
}

printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users.guest = true\ndisk_free_limit.absolute = 50MB\n' "$MQ_PORT" >"$CONF/rabbitmq.conf"
echo '[].' >"$CONF/rabbitmq-plugins"

cat >"$CONF/keystone.conf" <<INI
[database]
connection = $DB/keystone
[token]
provider = fernet
expiration = 14400
[fernet_tokens]
key_repository = $S/keystone/fernet
[fernet_receipts]
key_repository = $S/keystone/fernet
[credential]
key_repository = $S/keystone/credential
INI
uwsgi_ini 5000 /usr/bin/keystone-wsgi-public "OS_KEYSTONE_CONFIG_FILES=$CONF/keystone.conf" 4 >"$CONF/keystone-uwsgi.ini"

{ printf '[placement_database]\nconnection = %s/placement\n[api]\nauth_strategy = keystone\n' "$DB"; token_check placement; } >"$CONF/placement/placement.conf"
uwsgi_ini 8778 /usr/bin/placement-api "OS_PLACEMENT_CONFIG_DIR=$CONF/placement" >"$CONF/placement-uwsgi.ini"

{ cat <<INI
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9292
workers = 1
enabled_backends = fs:file
[database]
connection = $DB/glance
[paste_deploy]
flavor = keystone
config_file = /etc/glance/glance-api-paste.ini
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = $S/glance/images/
[os_glance_staging_store]
filesystem_store_datadir = $S/glance/staging/
[os_glance_tasks_store]
filesystem_store_datadir = $S/glance/tasks/
INI
token_check glance; } >"$CONF/glance-api.conf"

# nova: the fake virt driver plugs no VIF, so no "vif plugged" event ever comes: do not wait for one
{ cat <<INI
[DEFAULT]
host = $COMPUTE_HOST
my_ip = 127.0.0.1
state_path = $S/nova
instances_path = $S/nova/instances
transport_url = $MQ
compute_driver = fake.FakeDriver
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = 8774
osapi_compute_workers = 2
vif_plugging_is_fatal = false
vif_plugging_timeout = 0
[wsgi]
api_paste_config = /etc/nova/api-paste.ini
[api]
auth_strategy = keystone
[api_database]
connection = $DB/nova_api
[database]
connection = $DB/nova
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 10
[oslo_concurrency]
lock_path = $S/nova/lock
[vnc]
enabled = false
[glance]
region_name = RegionOne
INI
token_check nova; service_client placement nova; service_client neutron neutron; } >"$CONF/nova.conf"

# neutron: Zed calls linuxbridge experimental and refuses to start unless told it is wanted
{ cat <<INI
[DEFAULT]
host = $COMPUTE_HOST
bind_host = 127.0.0.1
bind_port = 9696
core_plugin = ml2
service_plugins = router
auth_strategy = keystone
transport_url = $MQ
state_path = $S/neutron
api_workers = 1
rpc_workers = 1
rpc_state_report_workers = 1
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true
dhcp_agent_notification = false
[experimental]
linuxbridge = true
[agent]
root_helper = sudo
report_interval = 10
[database]
connection = $DB/neutron
[oslo_concurrency]
lock_path = $S/neutron/lock
INI
token_check neutron; service_client nova nova; } >"$CONF/neutron.conf"

cat >"$CONF/ml2_conf.ini" <<INI
[ml2]
type_drivers = flat,vlan
tenant_network_types = vlan
mechanism_drivers = linuxbridge
extension_drivers = port_security
[ml2_type_flat]
flat_networks = public
[ml2_type_vlan]
network_vlan_ranges = physnet1:100:199
[securitygroup]
enable_security_group = true
INI
cat >"$CONF/linuxbridge_agent.ini" <<INI
[linux_bridge]
physical_interface_mappings = physnet1:reefos0,public:reefos1
[vxlan]
enable_vxlan = false
[securitygroup]
enable_security_group = true
firewall_driver = noop
[agent]
polling_interval = 2
INI

# /usr/bin/nova-compute ships in a package that pulls in libvirt and qemu; the module is all that is needed
printf '#!%s\nimport sys\nfrom nova.cmd.compute import main\nsys.exit(main())\n' "$PY" >"$S/bin/nova-compute"
chmod 755 "$S/bin/nova-compute"
