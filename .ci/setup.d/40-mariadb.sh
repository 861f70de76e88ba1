# A private MariaDB (Debian's mariadb-server) on 127.0.0.1 for the mysqldbs health-check tests (test/mysql):
# own data dir, not the system service; stopped and removed when the run ends. Exports REEF_TEST_MARIADB_*.
ci_need mariadb-server mariadb-client
REEF_MARIADB_DIR=$(mktemp -d /tmp/reef-ci-mariadb.XXXXXX)
ci_on_exit "bash scripts/test-mariadb.sh stop '$REEF_MARIADB_DIR'"
bash scripts/test-mariadb.sh start "$REEF_MARIADB_DIR" "${REEF_TEST_MARIADB_PORT:-33306}" >/dev/null
# shellcheck disable=SC1091
. "$REEF_MARIADB_DIR/env"
