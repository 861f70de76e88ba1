#!/usr/bin/env bash
# Starts a private PostgreSQL (Debian's binaries) for the tests: its own data directory and port on 127.0.0.1,
# a password-protected role `reef`. Usage:
#   scripts/pg-test-server.sh start DIR PORT   prints `REEF_TEST_PG_URL=postgres://…` on its last line
#   scripts/pg-test-server.sh stop DIR         stops the server whose data directory is DIR (only that one)
#   scripts/pg-test-server.sh restart DIR      restarts it (fast shutdown: every connection is cut)
# PostgreSQL refuses to run as root, so the server runs as the `postgres` system user the Debian package creates.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?data directory}
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    port=${3:?port}
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$dir/password"
      [ "$(id -u)" = 0 ] && chown postgres: "$dir/password"
      as_pg "$bindir/initdb" -D "$dir/data" -U reef --pwfile="$dir/password" --auth=scram-sha-256 -E UTF8 >"$dir/initdb.log"
    fi
    as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=200 -c fsync=off -c shared_buffers=64MB" start >/dev/null
    echo "REEF_TEST_PG_URL=postgres://reef:$(cat "$dir/password")@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -f "$dir/data/postmaster.pid" ] && as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  restart)
    # the options of the last start are reused (postmaster.opts); the log must be given again
    as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 30 restart >/dev/null
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
