#!/usr/bin/env bash
# Ingest into a file:// bucket (TempWriter + Publish) versus a plain copy of
# the same file on the same disk: the Go user-space copy in
# BenchmarkIngest and coreutils cp. Rounds interleave the three, each
# measurement starts after a sync, so a noisy machine hurts them alike; the
# medians, their ratios and the median of per-round ratios are printed.
#
#   bench/storage/run.sh                 # 1024 MiB, 5 rounds, under $TMPDIR
#   MIB=256 ROUNDS=7 DIR=/data bench/storage/run.sh
set -euo pipefail
MIB=${MIB:-1024}
ROUNDS=${ROUNDS:-5}
DIR=${DIR:-${TMPDIR:-/tmp}}
cd "$(dirname "$0")/../.."

work=$(mktemp -d "$DIR/storage-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
go test -c -o "$work/storage.test" ./storage/
head -c "${MIB}M" /dev/urandom >"$work/cp-source"

: >"$work/results"
: >"$work/cpu"
# cpu NAME CMD...: runs CMD and records the CPU seconds (user+sys) it
# took, which the load of other processes disturbs far less than wall time.
TIMEFORMAT='%U %S'
cpu() {
	local name=$1
	shift
	{ time "$@" >"$work/out" 2>&1; } 2>"$work/time"
	awk -v n="$name" '{ print n, $1 + $2 }' "$work/time" >>"$work/cpu"
}
gobench() {
	sync
	cpu "$1" env DAMKIT_BENCH_SOURCE="$work/cp-source" DAMKIT_BENCH_DIR="$work" "$work/storage.test" \
		-test.run '^$' -test.bench "BenchmarkIngest/$1" -test.benchtime 1x
	awk '$NF == "MB/s" { name = $1; sub(/-[0-9]+MiB.*/, "", name); sub(/.*\//, "", name); print name, $(NF-1) }' "$work/out" >>"$work/results"
}
cpbench() {
	sync
	start=$(date +%s%N)
	cpu cp cp "$work/cp-source" "$work/cp-copy"
	end=$(date +%s%N)
	rm -f "$work/cp-copy"
	awk -v mib="$MIB" -v ns=$((end - start)) 'BEGIN { printf "cp %.2f\n", mib * 1048576 / (ns / 1e3) }' >>"$work/results"
}
for round in $(seq "$ROUNDS"); do
	# Rotate the order: whoever runs right after another write meets its
	# dirty pages being flushed.
	case $((round % 3)) in
	1) gobench temp-publish; gobench plain-copy; cpbench ;;
	2) gobench plain-copy; cpbench; gobench temp-publish ;;
	0) cpbench; gobench temp-publish; gobench plain-copy ;;
	esac
	echo "round $round done" >&2
done

median() { grep "^$1 " "$work/results" | awk '{ print $2 }' | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ours=$(median temp-publish)
plain=$(median plain-copy)
cpm=$(median cp)
echo "size ${MIB} MiB, ${ROUNDS} rounds, dir $DIR ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
for name in temp-publish plain-copy cp; do
	printf '%-13s MB/s:' "$name"
	grep "^$name " "$work/results" | awk '{ printf " %s", $2 }'
	printf '  median %s\n' "$(median "$name")"
done
awk -v o="$ours" -v p="$plain" -v c="$cpm" 'BEGIN { printf "ratio of medians: temp-publish/plain-copy %.2f, temp-publish/cp %.2f (requirement: >= 0.80)\n", o / p, o / c }'
# Ratios within each round, whose neighbours ran under the same load.
paired() {
	paste <(grep '^temp-publish ' "$work/results" | awk '{ print $2 }') <(grep "^$1 " "$work/results" | awk '{ print $2 }') |
		awk '{ print $1 / $2 }' | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo "median of per-round ratios: temp-publish/plain-copy $(paired plain-copy), temp-publish/cp $(paired cp)"
cpumedian() { grep "^$1 " "$work/cpu" | awk '{ print $2 }' | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for name in temp-publish plain-copy cp; do
	printf '%-13s CPU s:' "$name"
	grep "^$name " "$work/cpu" | awk '{ printf " %s", $2 }'
	printf '  median %s\n' "$(cpumedian "$name")"
done
echo "(the Go runs' CPU includes process start and unlinking the copy; cp's does not)"
awk -v o="$(cpumedian temp-publish)" -v p="$(cpumedian plain-copy)" -v c="$(cpumedian cp)" \
	'BEGIN { printf "CPU-time throughput ratio: temp-publish/plain-copy %.2f, temp-publish/cp %.2f\n", p / o, c / o }'
