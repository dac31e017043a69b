#!/usr/bin/env bash
# Compares the policy benchmarks of an older commit ($1) with the working
# tree, interleaved in one run (five rounds, one core), so that machine noise
# hits both alike. Prints the raw lines; take medians of cpu-ns/op.
set -euo pipefail
base=${1:?usage: bench/policy/compare.sh <commit>}
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tmp/old" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
git -C "$root" worktree add -q "$tmp/old" "$base"
(cd "$tmp/old" && go test -c -o "$tmp/old.test" ./policy/)
(cd "$root" && go test -c -o "$tmp/new.test" ./policy/)
for i in 1 2 3 4 5; do
  for v in old new; do
    "$tmp/$v.test" -test.run '^$' -test.bench 'Decide$|Filter10k' -test.benchmem -test.cpu 1 -test.count 1 |
      grep '^Benchmark' | sed "s/^/$v /"
  done
done
