# Debian's PostgreSQL for the PostgreSQL store suites: a private server on 127.0.0.1 with its own data directory
# (under /tmp, removed at the end) and port, stopped at the end. The tests read REEF_TEST_PG_URL (the store
# conformance suite, replicas). The replica chaos tests (test/chaos/replicas-*chaos.test.ts) take PostgreSQL
# down once, so they start a private server of their own with the same binaries and script (another temp
# directory and port): the shared one keeps serving the test files that run at the same time.
ci_need postgresql
ci_pg_dir=$(mktemp -d /tmp/reef-ci-pg.XXXXXX)
ci_pg_port=${REEF_CI_PG_PORT:-55432}
ci_on_exit "bash scripts/pg-test-server.sh stop '$ci_pg_dir'; rm -rf '$ci_pg_dir'"
export "$(bash scripts/pg-test-server.sh start "$ci_pg_dir" "$ci_pg_port" | tail -1)"
