#!/usr/bin/env bash
# scripts/openstack/openstack.sh up|down|status|env
#
# A small real OpenStack (Debian 12's Zed packages) on 127.0.0.1 for the nova driver's tests: Keystone (uwsgi),
# Glance, Placement (uwsgi), Nova with the fake virt driver (servers go ACTIVE with an address; nothing boots),
# Neutron ML2/linuxbridge (an agent only so ports bind; no DHCP/L3/metadata agent), private MariaDB and RabbitMQ.
# All state, configuration, logs and pids live in $REEF_OS_DIR (default /var/tmp/reef-openstack); no file in /etc
# is changed. The only host change: two unconnected veth pairs (reefos0/reefos1) standing in for physical networks.
#
#   up      install missing packages, write configs, start what is not running, seed the test cloud, print env
#   down    stop exactly the processes `up` started (their process groups), remove the veth pairs
#   status  one line per service
#   env     the client environment (also in $REEF_OS_DIR/openrc and appcred.env)
#
# Test cloud: admin/admin-secret, user reef/reef-secret in project reef (member); flavors m1.tiny/small/medium;
# public image cirros-fake; network private 10.10.0.0/24, external public 203.0.113.0/24, router; key pair
# reef-key; an application credential for reef. All passwords are local test values.
# Needs root (apt, veth, the linuxbridge agent). Costs on 2 busy cores: apt 4-9 min, first start ~2 min, 3.3 GB RAM.
set -euo pipefail

STATE=${REEF_OS_DIR:-/var/tmp/reef-openstack}
CONF=$STATE/etc LOGS=$STATE/log PIDS=$STATE/run
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3   # Debian's: a python3 earlier on PATH may lack the OpenStack modules
DB_PORT=${REEF_OS_DB_PORT:-13306} MQ_PORT=${REEF_OS_AMQP_PORT:-15673}
EPMD_PORT=${REEF_OS_EPMD_PORT:-14369} DIST_PORT=${REEF_OS_DIST_PORT:-25673}
ADMIN_PW=admin-secret USER_PW=reef-secret SERVICE_PW=reef-service-secret DB_PW=reef-db-secret
COMPUTE_HOST=reef-compute   # nova's host and the L2 agent's host must agree, or ports never bind
KEYSTONE=http://127.0.0.1:5000
DB="mysql+pymysql://os:$DB_PW@127.0.0.1:$DB_PORT"
MQ="rabbit://guest:guest@127.0.0.1:$MQ_PORT/"
ORDER="epmd rabbitmq mariadb keystone placement glance neutron-server neutron-agent nova-api nova-conductor nova-scheduler nova-compute"
PACKAGES="mariadb-server rabbitmq-server keystone glance-api placement-api nova-api nova-conductor nova-scheduler python3-nova
  neutron-api neutron-rpc-server neutron-linuxbridge-agent uwsgi-plugin-python3 python3-keystoneauth1 iproute2 curl"

say() { printf '[openstack %s] %s\n' "$(date +%T)" "$*" >&2; }
fail() { say "error: $*"; exit 1; }
alive() { [ -f "$PIDS/$1.pid" ] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }
answers() { curl -s -m 3 -o /dev/null "$1"; }

# run NAME CMD...: start CMD in its own session (so `down` can signal the whole group) unless NAME runs
run() {
  local name=$1; shift
  alive "$name" && return 0
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
  say "$name started (pid $!)"
}

await_http() {  # NAME URL [SECONDS]
  local i
  for ((i = 0; i < ${3:-180}; i++)); do
    answers "$2" && return 0
    alive "$1" || fail "$1 exited: $(tail -5 "$LOGS/$1.log")"
    sleep 1
  done
  fail "$1 does not answer on $2 after ${3:-180} s: $(tail -5 "$LOGS/$1.log")"
}

cmd_down() {
  local name pid i
  for name in $(tr ' ' '\n' <<<"$ORDER" | tac); do
    [ -f "$PIDS/$name.pid" ] || continue
    pid=$(cat "$PIDS/$name.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || true
      for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -KILL -- "-$pid" 2>/dev/null || true
      say "$name stopped"
    fi
    rm -f "$PIDS/$name.pid"
  done
  local l
  for l in reefos0 reefos1; do ip link del "$l" 2>/dev/null || true; done
}

cmd_status() {
  local name
  for name in $ORDER; do
    if alive "$name"; then echo "$name running (pid $(cat "$PIDS/$name.pid"))"; else echo "$name stopped"; fi
  done
}

cmd_env() {
  [ -f "$STATE/openrc" ] || fail "no $STATE/openrc: run '$0 up' first"
  cat "$STATE/openrc" "$STATE/appcred.env"
}

install_packages() {
  local missing="" p made_policy=""
  for p in $PACKAGES; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"; done
  [ -z "$missing" ] && return 0
  say "apt-get install$missing"
  # keep the packages' maintainer scripts from starting system-wide services
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1; fi
  apt-get update -q >/dev/null || true
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >"$LOGS/apt.log" 2>&1 || rc=$?
  [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || fail "apt-get install failed (see $LOGS/apt.log)"
}

refuse_busy_ports() {
  local pair name port
  for pair in epmd:$EPMD_PORT rabbitmq:$MQ_PORT mariadb:$DB_PORT keystone:5000 placement:8778 glance:9292 neutron-server:9696 nova-api:8774; do
    name=${pair%%:*} port=${pair##*:}
    alive "$name" && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && fail "port $port ($name) is held by another program"
  done
  return 0
}

cmd_up() {
  [ "$(id -u)" = 0 ] || fail "run as root"
  local t0=$SECONDS all=1 name
  mkdir -p "$CONF" "$LOGS" "$PIDS"
  for name in $ORDER; do alive "$name" || all=""; done
  if [ -n "$all" ] && [ -f "$STATE/ready" ] && answers http://127.0.0.1:8774/ && answers "$KEYSTONE/v3"; then
    say "already up ($STATE)"; cmd_env; return 0
  fi
  install_packages
  refuse_busy_ports
  mkdir -p "$STATE"/{mysql,mq,keystone,glance/images,glance/staging,glance/tasks,nova/instances,nova/lock,neutron/lock,bin}
  REEF_OS_STATE=$STATE CONF=$CONF DB=$DB MQ=$MQ KEYSTONE=$KEYSTONE SERVICE_PW=$SERVICE_PW COMPUTE_HOST=$COMPUTE_HOST \
    MQ_PORT=$MQ_PORT PY=$PY bash "$HERE/configs.sh"
  local first=""; [ -f "$STATE/ready" ] || first=1

  # messaging and database
  run epmd epmd -address 127.0.0.1 -port "$EPMD_PORT"
  run rabbitmq env HOME="$STATE/mq" RABBITMQ_NODENAME=reef@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$MQ_PORT" RABBITMQ_DIST_PORT="$DIST_PORT" ERL_EPMD_PORT="$EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_MNESIA_BASE="$STATE/mq/mnesia" RABBITMQ_LOG_BASE="$LOGS" RABBITMQ_LOGS=- RABBITMQ_CONF_ENV_FILE=/dev/null \
    RABBITMQ_CONFIG_FILE="$CONF/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$CONF/rabbitmq-plugins" \
    RABBITMQ_PID_FILE="$PIDS/beam.pid" RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    /usr/lib/rabbitmq/bin/rabbitmq-server
  [ -d "$STATE/mysql/mysql" ] || mariadb-install-db --no-defaults --datadir="$STATE/mysql" --user=root --skip-test-db >"$LOGS/mariadb-init.log" 2>&1
  run mariadb mariadbd --no-defaults --datadir="$STATE/mysql" --socket="$PIDS/mysql.sock" --port="$DB_PORT" --bind-address=127.0.0.1 \
    --user=root --pid-file="$PIDS/mariadbd.pid" --log-error="$LOGS/mariadb.err" --skip-name-resolve --max-connections=1000 \
    --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 --character-set-server=utf8mb3 --collation-server=utf8mb3_general_ci
  local i
  for ((i = 0; i < 90; i++)); do mariadb -S "$PIDS/mysql.sock" -e 'select 1' >/dev/null 2>&1 && break; sleep 1; done
  local sql="CREATE USER IF NOT EXISTS 'os'@'127.0.0.1' IDENTIFIED BY '$DB_PW';" db
  for db in keystone glance placement nova_api nova nova_cell0 neutron; do
    sql+=" CREATE DATABASE IF NOT EXISTS $db; GRANT ALL ON $db.* TO 'os'@'127.0.0.1';"
  done
  mariadb -S "$PIDS/mysql.sock" -e "$sql" || fail "mariadb: $(tail -5 "$LOGS/mariadb.err")"

  # identity
  local km=(keystone-manage --config-file "$CONF/keystone.conf")
  if [ -n "$first" ]; then
    "${km[@]}" db_sync >>"$LOGS/manage.log" 2>&1
    [ -d "$STATE/keystone/fernet" ] || "${km[@]}" fernet_setup --keystone-user root --keystone-group root >>"$LOGS/manage.log" 2>&1
    [ -d "$STATE/keystone/credential" ] || "${km[@]}" credential_setup --keystone-user root --keystone-group root >>"$LOGS/manage.log" 2>&1
    "${km[@]}" bootstrap --bootstrap-password "$ADMIN_PW" --bootstrap-region-id RegionOne \
      --bootstrap-admin-url "$KEYSTONE/v3/" --bootstrap-internal-url "$KEYSTONE/v3/" --bootstrap-public-url "$KEYSTONE/v3/" >>"$LOGS/manage.log" 2>&1
  fi
  run keystone uwsgi --ini "$CONF/keystone-uwsgi.ini"
  await_http keystone "$KEYSTONE/v3"
  STEP=identity ADMIN_PW=$ADMIN_PW USER_PW=$USER_PW SERVICE_PW=$SERVICE_PW KEYSTONE=$KEYSTONE STATE=$STATE $PY "$HERE/seed.py"

  # placement, image
  [ -n "$first" ] && placement-manage --config-file "$CONF/placement/placement.conf" db sync >>"$LOGS/manage.log" 2>&1
  run placement uwsgi --ini "$CONF/placement-uwsgi.ini"
  [ -n "$first" ] && glance-manage --config-file "$CONF/glance-api.conf" db_sync >>"$LOGS/manage.log" 2>&1
  run glance glance-api --config-file "$CONF/glance-api.conf"

  # network: veth pairs stand in for physical networks (no dummy module on some kernels)
  local l
  for l in reefos0 reefos1; do ip link show "$l" >/dev/null 2>&1 || ip link add "$l" type veth peer name "${l}p"; done
  [ -n "$first" ] && neutron-db-manage --config-file "$CONF/neutron.conf" --config-file "$CONF/ml2_conf.ini" upgrade heads >>"$LOGS/manage.log" 2>&1
  run neutron-server neutron-server --config-file "$CONF/neutron.conf" --config-file "$CONF/ml2_conf.ini"
  run neutron-agent neutron-linuxbridge-agent --config-file "$CONF/neutron.conf" --config-file "$CONF/linuxbridge_agent.ini"

  # compute: cells, then the four services
  local nm=(nova-manage --config-file "$CONF/nova.conf")
  if [ -n "$first" ]; then
    "${nm[@]}" api_db sync >>"$LOGS/manage.log" 2>&1
    "${nm[@]}" cell_v2 map_cell0 --database_connection "$DB/nova_cell0" >>"$LOGS/manage.log" 2>&1
    "${nm[@]}" cell_v2 list_cells 2>/dev/null | grep -q ' cell1 ' || "${nm[@]}" cell_v2 create_cell --name=cell1 >>"$LOGS/manage.log" 2>&1
    "${nm[@]}" db sync >>"$LOGS/manage.log" 2>&1
  fi
  run nova-api nova-api --config-file "$CONF/nova.conf"
  run nova-conductor nova-conductor --config-file "$CONF/nova.conf"
  run nova-scheduler nova-scheduler --config-file "$CONF/nova.conf"
  run nova-compute "$STATE/bin/nova-compute" --config-file "$CONF/nova.conf"
  await_http placement http://127.0.0.1:8778/
  await_http glance http://127.0.0.1:9292/
  await_http neutron-server http://127.0.0.1:9696/
  await_http nova-api http://127.0.0.1:8774/
  if [ -n "$first" ]; then
    for ((i = 0; i < 90; i++)); do
      "${nm[@]}" cell_v2 discover_hosts >>"$LOGS/manage.log" 2>&1 || true
      "${nm[@]}" cell_v2 list_hosts 2>/dev/null | grep -q "$COMPUTE_HOST" && break
      alive nova-compute || fail "nova-compute exited: $(tail -5 "$LOGS/nova-compute.log")"
      sleep 2
    done
  fi
  STEP=cloud ADMIN_PW=$ADMIN_PW USER_PW=$USER_PW SERVICE_PW=$SERVICE_PW KEYSTONE=$KEYSTONE STATE=$STATE $PY "$HERE/seed.py"
  touch "$STATE/ready"
  say "up in $((SECONDS - t0)) s (state $STATE, logs $LOGS)"
  cmd_env
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
