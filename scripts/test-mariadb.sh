#!/bin/sh
# A private MariaDB server for the tests (Debian's mariadb-server), on 127.0.0.1 with its own data dir:
#   scripts/test-mariadb.sh start DIR [PORT]   initialise DIR, start mariadbd, create database reef_check and user
#                                              reef_check (random password, all rights on reef\_% databases);
#                                              writes DIR/env (REEF_TEST_MARIADB_* exports) and prints it
#   scripts/test-mariadb.sh stop DIR           stop that server (by its pid file) and remove DIR
# The system service, its config (/etc/mysql) and its data are not touched (--no-defaults).
set -eu
cmd=${1:?usage: $0 start DIR [PORT] | stop DIR}
DIR=${2:?usage: $0 start DIR [PORT] | stop DIR}
PORT=${3:-33306}

stop() {
  if [ -f "$DIR/mysqld.pid" ]; then
    pid=$(cat "$DIR/mysqld.pid")
    kill "$pid" 2>/dev/null || true
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$DIR"
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = start ] || { echo "usage: $0 start DIR [PORT] | stop DIR" >&2; exit 2; }

mkdir -p "$DIR/data"
chown -R mysql:mysql "$DIR"
chmod 755 "$DIR"
mariadb-install-db --no-defaults --user=mysql --datadir="$DIR/data" --auth-root-authentication-method=socket \
  --skip-test-db >"$DIR/install.log" 2>&1 || { tail -n 20 "$DIR/install.log" >&2; exit 1; }
setsid mariadbd --no-defaults --user=mysql --datadir="$DIR/data" --bind-address=127.0.0.1 --port="$PORT" \
  --socket="$DIR/mysqld.sock" --pid-file="$DIR/mysqld.pid" --log-error="$DIR/error.log" \
  --skip-name-resolve </dev/null >/dev/null 2>&1 &
i=0
until mariadb-admin --no-defaults --socket="$DIR/mysqld.sock" -u root ping >/dev/null 2>&1; do
  i=$((i + 1))
  [ $i -lt 600 ] || { echo "test-mariadb: no answer after 60 s; last log lines:" >&2; tail -n 20 "$DIR/error.log" >&2; exit 1; }
  sleep 0.1
done
PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
mariadb --no-defaults --socket="$DIR/mysqld.sock" -u root <<SQL
CREATE DATABASE reef_check;
CREATE USER 'reef_check'@'%' IDENTIFIED BY '$PASSWORD';
GRANT ALL ON \`reef\\_%\`.* TO 'reef_check'@'%';
SQL
cat >"$DIR/env" <<ENV
export REEF_TEST_MARIADB_PORT=$PORT
export REEF_TEST_MARIADB_USER=reef_check
export REEF_TEST_MARIADB_PASSWORD=$PASSWORD
export REEF_TEST_MARIADB_DB=reef_check
export REEF_TEST_MARIADB_SOCKET=$DIR/mysqld.sock
ENV
chmod 600 "$DIR/env"
cat "$DIR/env"
