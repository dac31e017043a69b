#!/bin/sh
# run.sh [N]: full-text search figures (issue 15) over a generated library
# of N assets (default 100000): BenchmarkSearch (first page of 100 by
# relevance and by creation, a facet page, and the same query as a naive
# LIKE '%word%' scan, p50/p99) and BenchmarkIngestIndexing (CreateAsset with
# and without its search document), on SQLite and, when PostgreSQL is
# installed, on a throwaway PostgreSQL cluster (bench/sqlstore/with-postgres.sh).
# Output: bench/search/out-<engine>-<N>.txt; figures go into RESULTS.md by hand.
#
#   bench/search/run.sh 100000
#   BENCHTIME=10x bench/search/run.sh 1000000
set -eu
cd "$(dirname "$0")/../.."
N=${1:-100000}
BENCHTIME=${BENCHTIME:-20x}
export DAMKIT_SEARCH_BENCH_N="$N"
echo "sqlite, $N assets"
go test -run '^$' -bench 'Search/sqlite' -benchtime "$BENCHTIME" -timeout 2h -v ./dam/sqlstore/ \
	| grep -v '^=== ' | tee "bench/search/out-sqlite-$N.txt"
go test -run '^$' -bench 'IngestIndexing/sqlite' -benchtime 3000x ./dam/sqlstore/ | tee -a "bench/search/out-sqlite-$N.txt"
if ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
	echo "postgres, $N assets"
	bench/sqlstore/with-postgres.sh go test -run '^$' -bench 'Search/postgres' -benchtime "$BENCHTIME" -timeout 2h -v ./dam/sqlstore/ \
		| grep -v '^=== ' | tee "bench/search/out-postgres-$N.txt"
	bench/sqlstore/with-postgres.sh go test -run '^$' -bench 'IngestIndexing/postgres' -benchtime 3000x ./dam/sqlstore/ \
		| tee -a "bench/search/out-postgres-$N.txt"
fi
