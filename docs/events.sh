#!/usr/bin/env bash
# The commands of docs/events.md, in order (docs/docs_test.go runs them).
set -euo pipefail

URL=${DAMKIT_URL:-http://127.0.0.1:8080}; API=$URL/api/v1
O="Authorization: Bearer ${DAMKIT_KEY:-docs-owner-key-0123456789}"
curl -sf --retry 30 --retry-connrefused --retry-delay 1 -o /dev/null "$URL/healthz"   # wait for the server

START=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for n in one two three; do printf "$n" | curl -sf -H "$O" --data-binary @- "$API/assets?name=$n.txt" >/dev/null; done
ID=$(curl -sf -H "$O" "$API/assets?q=two" | jq -r '.items[0].id')
curl -sf -H "$O" -X PATCH --json '{"title":"Two"}' $API/assets/$ID >/dev/null
curl -sf -H "$O" -o /dev/null $API/assets/$ID/download

curl -sf -H "$O" "$API/events?format=csv&since=$START" -o events.csv -D - | grep -i '^content-type'
cut -d, -f3 events.csv
curl -sf -H "$O" -H 'Accept: application/jsonl' "$API/events?action=upload&since=$START" | jq -r .asset_id | wc -l

curl -s -H "$O" "$API/events?format=jsonl&since=$START&until=$START" | jq -r .error.message
curl -s -H "$O" "$API/events?format=xml" | jq -r .error.message
