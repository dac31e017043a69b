#!/bin/sh
# with-postgres.sh CMD...: start a throwaway PostgreSQL cluster on
# 127.0.0.1:$PGPORT (default 55432), run CMD with DAMKIT_POSTGRES_URL set,
# then stop the cluster and delete it. Needs the Debian package postgresql.
# Run as root it uses the postgres account (initdb refuses root).
# DAMKIT_PG_DIR=/path keeps the cluster there between runs (stopped, not
# deleted), so a generated library can be reused (BenchmarkSearch with
# DAMKIT_SEARCH_BENCH_SCHEMA).
#
#   bench/sqlstore/with-postgres.sh go test -race ./dam/sqlstore/
#   bench/sqlstore/with-postgres.sh go test -run '^$' -bench ListAssets100k ./dam/sqlstore/
set -eu
PGPORT=${PGPORT:-55432}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ]; then
	echo "PostgreSQL not installed: apt-get install -y postgresql" >&2
	exit 1
fi
DIR=${DAMKIT_PG_DIR:-}
KEEP=1
if [ -z "$DIR" ]; then
	DIR=$(mktemp -d /tmp/damkit-pg.XXXXXX)
	KEEP=
fi
mkdir -p "$DIR"
as_pg() {
	if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
stop() {
	as_pg "'$PGBIN/pg_ctl' -D '$DIR/data' -m fast -w stop" >/dev/null 2>&1 || true
	if [ -z "$KEEP" ]; then rm -rf "$DIR"; fi
}
trap stop EXIT
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; fi
if [ ! -d "$DIR/data" ]; then
	as_pg "'$PGBIN/initdb' -D '$DIR/data' -A trust -U postgres" >/dev/null
fi
as_pg "'$PGBIN/pg_ctl' -D '$DIR/data' -l '$DIR/pg.log' -w start \
	-o '-p $PGPORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off'" >/dev/null
export DAMKIT_POSTGRES_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres?sslmode=disable"
"$@"
