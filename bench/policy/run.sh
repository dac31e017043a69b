#!/usr/bin/env bash
# Runs the policy benchmarks several times on one core and prints the median
# of each metric. The machine is shared and noisy: the cpu-ns/op column
# (process CPU time per operation) is less disturbed by other load than the
# wall-clock ns/op column.
#
#   bench/policy/run.sh            # 6 runs
#   COUNT=10 bench/policy/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${COUNT:-6}
out=$(go test -run '^$' -bench . -benchmem -cpu 1 -count "$count" ./policy/)
printf '%s\n' "$out" | grep -E '^(goos|goarch|cpu):' || true
printf '%s\n' "$out" | awk '
/^Benchmark/ {
	name = $1
	names[name] = 1
	for (i = 3; i < NF; i += 2) {
		key = name SUBSEP $(i + 1)
		n = ++cnt[key]
		val[key, n] = $i
	}
}
function median(key,   n, i, j, t, a) {
	n = cnt[key]
	for (i = 1; i <= n; i++) a[i] = val[key, i] + 0
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	for (name in names) {
		line = sprintf("%-28s", name)
		n = split("ns/op cpu-ns/op ns/asset B/op allocs/op", us, " ")
		for (u = 1; u <= n; u++) if (cnt[name SUBSEP us[u]]) line = line sprintf("  %11.1f %s", median(name SUBSEP us[u]), us[u])
		print line " (median of " cnt[name SUBSEP "ns/op"] ")"
	}
}' | sort
