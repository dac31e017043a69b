#!/usr/bin/env bash
# The commands of docs/downloads.md, in order (docs/docs_test.go runs them).
set -euo pipefail

URL=${DAMKIT_URL:-http://127.0.0.1:8080}; API=$URL/api/v1; MAIL=${DAMKIT_MAIL:-/tmp/damkit-mail}
O="Authorization: Bearer ${DAMKIT_KEY:-docs-owner-key-0123456789}"
curl -sf --retry 30 --retry-connrefused --retry-delay 1 -o /dev/null "$URL/healthz"   # wait for the server

V="Authorization: Bearer $(curl -sf -H "$O" --json '{"email":"viewer@example.com","role":"viewer"}' $API/users | jq -r .api_key)"
ALL=$(curl -sf -H "$O" "$API/assets" | jq -c '[.items[].id]')
curl -sf -H "$V" -X POST $API/downloads --json "{\"asset_ids\":$ALL}" > job.json
jq -c '{status, skipped: [.skipped[] | {name, reason}], parts: (.parts | length), ask: .request.path}' job.json
PART=$URL$(jq -r '.parts[0].url' job.json); ETAG=$(jq -r '.parts[0].etag' job.json)
curl -sf -H "$V" -o head.part -r 0-9999 -w '%{http_code}\n' "$PART"
curl -sf -H "$V" -o tail.part -r 10000- -H "If-Range: $ETAG" -w '%{http_code}\n' "$PART"
curl -sf -H "$V" "$PART" | cmp - <(cat head.part tail.part) && echo "the two halves make the whole"

curl -sf -H "$V" -H 'Accept: application/zip' -X POST $API/downloads --json "{\"asset_ids\":$ALL}" \
  -o selection.zip -D - | grep -i '^content-type:\|^x-damkit-skipped:' | tr -d '\r' | sort
head -c 2 selection.zip; echo
LOGO=$(curl -sf -H "$O" "$API/assets?q=logo" | jq -r '.items[0].id')
curl -s -H "$V" -X POST $API/downloads --json "{\"asset_ids\":[\"$LOGO\"]}" | jq -c '{code: .error.code, skipped_count}'

LIC=$(curl -sf -H "$O" $API/licences | jq -r '.items[0].id')
curl -sf -H "$O" --json '{"version":1}' $API/licences/$LIC/accept | jq -r .version
JOB=$(curl -sf -H "$O" -X POST $API/downloads --json "{\"asset_ids\":$ALL,\"async\":true}" | jq -r .id)
for i in $(seq 100); do
  [ "$(curl -sf -H "$O" $API/downloads/$JOB | jq -r .status)" = done ] && break; sleep 0.2
done
curl -sf -H "$O" $API/downloads/$JOB | jq -c '{status, parts: [.parts[] | .ready]}'
curl -sf -H "$O" $API/inbox | jq -r '.items[] | select(.kind == "archive_ready") | .subject'
grep -h '^Subject: Your download' "$MAIL"/*.eml

curl -s -H "$O" -X POST $API/downloads --json "{\"asset_ids\":$ALL,\"send_to\":[\"ghost@example.com\"]}" | jq -r .error.message
curl -sf -H "$O" -X POST $API/downloads --json "{\"asset_ids\":$ALL,\"send_to\":[\"viewer@example.com\"]}" \
  | jq -c '.sent[] | {email, included, left_out}'
for i in $(seq 100); do
  [ "$(curl -sf -H "$V" $API/downloads | jq -r '.items[0].status')" = done ] && break; sleep 0.2
done
curl -sf -H "$V" $API/downloads | jq -c '.items[0] | {status, sent_by: .sent_by.email, skipped: [.skipped[].name]}'
curl -sf -H "$V" $API/inbox | jq -r '.items[0].subject'
