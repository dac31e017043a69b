#!/bin/sh
# export.sh [N]: the usage log export's rate and the server's peak RSS.
# Builds the server, makes N events (default 1,000,000) of one asset in
# its SQLite store with the sqlite3 command line, then times
#   GET /api/v1/events?format=csv  and  ?format=jsonl
# with curl, reading the server's peak RSS (VmHWM) after resetting it.
# Needs sqlite3, curl, jq; Linux (/proc).
set -eu
N=${1:-1000000}
KEY=bench-owner-key-0123456789
DIR=$(mktemp -d /tmp/damkit-export.XXXXXX)
trap 'kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
go build -o "$DIR/server" ./examples/server
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$DIR/server" -addr 127.0.0.1:$PORT -data "$DIR/data" -admin-key $KEY -log-level error >"$DIR/log" 2>&1 &
PID=$!
API=http://127.0.0.1:$PORT/api/v1
O="Authorization: Bearer $KEY"
curl -sf --retry 30 --retry-connrefused --retry-delay 1 -o /dev/null "http://127.0.0.1:$PORT/healthz"
ASSET=$(printf 'busy' | curl -sf -H "$O" --data-binary @- "$API/assets?name=busy.txt" | jq -r .id)
OWNER=$(curl -sf -H "$O" $API/me | jq -r .id)
PREFIX=$(echo "$ASSET" | cut -c1-10)
T0=$(date +%s.%N)
sqlite3 "$DIR/data/dam.db" "PRAGMA busy_timeout=10000; WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $N)
  INSERT INTO events (id, time, actor_id, action, asset_id, detail)
  SELECT '$PREFIX' || printf('%016d', x), '2026-01-01T00:00:00.000000Z', '$OWNER', 'download', '$ASSET', 'original' FROM n;" >/dev/null
echo "made $N events in $(echo "$(date +%s.%N) - $T0" | bc) s"
echo "server RSS before the exports: $(($(awk '/VmRSS/ {print $2}' /proc/$PID/status) / 1024)) MiB"
for f in csv jsonl; do
	echo 5 > /proc/$PID/clear_refs
	out=$(curl -sf -H "$O" -o "$DIR/out.$f" -w '%{time_total} %{size_download}' "$API/events?format=$f&action=download")
	secs=${out% *}; bytes=${out#* }
	lines=$(wc -l < "$DIR/out.$f")
	hwm=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)
	echo "$f: $lines lines, $bytes bytes in $secs s: $(echo "$N / $secs" | bc) events/s; server peak RSS $((hwm / 1024)) MiB"
done
