#!/usr/bin/env bash
# bench/client/run.sh: the command line side by side with curl (issue 18).
#
# Upload: N files of SIZE bytes from one directory, `damkit upload -j J`
# against a plain parallel curl loop (xargs -P J, one curl per file), each
# into a fresh server of its own (so neither finds the other's blobs), in
# one run; then the same damkit command again (everything in the journal).
# Download: a job of PARTS parts of PART_MB MiB, `damkit download -j 4 job`
# against one curl fetching the same parts one after the other. Peak RSS
# of the damkit runs from /usr/bin/time. Usage:
#
#   bench/client/run.sh                          # 10,000 × 100 kB, 8 workers; 10 parts × 100 MiB
#   N=2000 PART_MB=20 bench/client/run.sh        # smaller, on a loaded machine
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-10000}
SIZE=${SIZE:-100000}
J=${J:-8}
PARTS=${PARTS:-10}
PART_MB=${PART_MB:-100}
CONNS=${CONNS:-4}
PORT=${PORT:-18290}
KEY=dk_bench-client-key-0123456789abcdef
work=$(mktemp -d /tmp/damkit-client-bench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/bin"
go build -o "$work/bin/server" ./examples/server
go build -o "$work/bin/damkit" ./cmd/damkit

# serve NAME PORT [flags]: a fresh server; its URL in $url.
serve() {
	"$work/bin/server" -addr "127.0.0.1:$2" -data "$work/$1" -admin-key "$KEY" -log-level error "${@:3}" >"$work/$1.log" 2>&1 &
	pids+=($!)
	url=http://127.0.0.1:$2
	for _ in $(seq 100); do curl -sf "$url/healthz" >/dev/null && return; sleep 0.1; done
	echo "server $1 did not start" >&2
	cat "$work/$1.log" >&2
	exit 1
}
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }

echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3)"
echo "files: $N × $SIZE bytes, $J at once"
src=$work/files
mkdir -p "$src"
head -c "$SIZE" /dev/urandom >"$work/chunk"
for i in $(seq -w 1 "$N"); do
	# distinct bytes per file: its number, then the common random chunk
	{ printf '%s\n' "$i"; head -c $((SIZE - ${#i} - 1)) "$work/chunk"; } >"$src/f$i.bin"
done

serve curl $PORT
curl_url=$url
t0=$(now)
find "$src" -type f -print0 | URL=$curl_url KEY=$KEY xargs -0 -P "$J" -n 1 sh -c \
	'curl -sf -o /dev/null -H "Authorization: Bearer $KEY" --data-binary @"$1" "$URL/api/v1/assets?name=$(basename "$1")"' _
t1=$(now)
curl_s=$(secs "$t0" "$t1")

serve damkit $((PORT + 1))
export DAMKIT_SERVER=$url DAMKIT_KEY=$KEY DAMKIT_CONFIG=$work/config.json
t0=$(now)
/usr/bin/time -f %M -o "$work/rss1" "$work/bin/damkit" upload -json -j "$J" -journal "$work/journal" "$src" >"$work/up1.json"
t1=$(now)
damkit_s=$(secs "$t0" "$t1")
t0=$(now)
"$work/bin/damkit" upload -json -j "$J" -journal "$work/journal" "$src" >"$work/up2.json"
t1=$(now)
again_s=$(secs "$t0" "$t1")
sent=$(jq .uploaded "$work/up1.json")
skipped=$(jq '.skipped_journal + .skipped_present' "$work/up2.json")
count=$(curl -sf -H "Authorization: Bearer $KEY" "$url/api/v1/assets?limit=1&facets=true" | jq '[.facets.kinds[].count] | add')
[ "$sent" = "$N" ] && [ "$skipped" = "$N" ] && [ "$count" = "$N" ] || {
	echo "upload check failed: sent $sent, skipped on rerun $skipped, on the server $count (want $N)" >&2
	exit 1
}
printf 'upload   curl loop   %8.2f s  %8.1f files/s\n' "$curl_s" "$(echo "$N / $curl_s" | bc -l)"
printf 'upload   damkit -j %-2s %8.2f s  %8.1f files/s  (%.2f× curl; peak RSS %d MiB)\n' "$J" "$damkit_s" \
	"$(echo "$N / $damkit_s" | bc -l)" "$(echo "$curl_s / $damkit_s" | bc -l)" $(($(cat "$work/rss1") / 1024))
printf 'upload   damkit again %7.2f s  (%s files skipped, nothing sent)\n' "$again_s" "$skipped"

# Download: one asset per part.
part_bytes=$((PART_MB * 1024 * 1024))
serve download $((PORT + 2)) -max-part-size $((part_bytes + 65536))
export DAMKIT_SERVER=$url
mkdir -p "$work/big/parts"
for i in $(seq 1 "$PARTS"); do head -c "$part_bytes" /dev/urandom >"$work/big/parts/p$i.bin"; done
"$work/bin/damkit" upload -json -j 2 -journal "$work/journal-big" "$work/big/parts" >/dev/null
rm -rf "$work/big"
folder=$(curl -sf -H "Authorization: Bearer $KEY" "$url/api/v1/folders" | jq -r '.items[0].id')
job=$(curl -sf -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
	-d "{\"folder_id\":\"$folder\",\"async\":true}" "$url/api/v1/downloads" | jq -r .id)
for _ in $(seq 600); do
	status=$(curl -sf -H "Authorization: Bearer $KEY" "$url/api/v1/downloads/$job" | jq -r .status)
	[ "$status" = done ] && break
	sleep 0.5
done
[ "$status" = done ] || { echo "job $job is $status" >&2; exit 1; }
nparts=$(curl -sf -H "Authorization: Bearer $KEY" "$url/api/v1/downloads/$job" | jq '.parts | length')
total=$(curl -sf -H "Authorization: Bearer $KEY" "$url/api/v1/downloads/$job" | jq '[.parts[].size] | add')

mkdir -p "$work/curl-out" "$work/damkit-out"
t0=$(now)
for n in $(seq 1 "$nparts"); do
	curl -sf -H "Authorization: Bearer $KEY" -o "$work/curl-out/$n.zip" "$url/api/v1/downloads/$job/parts/$n"
done
t1=$(now)
curl_d=$(secs "$t0" "$t1")
rm -rf "$work/curl-out"
t0=$(now)
/usr/bin/time -f %M -o "$work/rss2" "$work/bin/damkit" download -json -j "$CONNS" -o "$work/damkit-out" job "$job" >"$work/down.json"
t1=$(now)
damkit_d=$(secs "$t0" "$t1")
got=$(du -cb "$work/damkit-out"/* | tail -n 1 | cut -f1)
[ "$got" = "$total" ] || { echo "downloaded $got bytes, want $total" >&2; exit 1; }
mib=$(echo "$total / 1048576" | bc -l)
printf 'download one curl, %d parts   %8.2f s  %8.1f MiB/s\n' "$nparts" "$curl_d" "$(echo "$mib / $curl_d" | bc -l)"
printf 'download damkit -j %d (+ZIP CRC check) %6.2f s  %8.1f MiB/s  (%.2f× curl; peak RSS %d MiB)\n' "$CONNS" "$damkit_d" \
	"$(echo "$mib / $damkit_d" | bc -l)" "$(echo "$curl_d / $damkit_d" | bc -l)" $(($(cat "$work/rss2") / 1024))
