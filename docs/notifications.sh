#!/usr/bin/env bash
# The commands of docs/notifications.md, in order (docs/docs_test.go runs them).
set -euo pipefail

URL=${DAMKIT_URL:-http://127.0.0.1:8080}; API=$URL/api/v1; MAIL=${DAMKIT_MAIL:-/tmp/damkit-mail}
O="Authorization: Bearer ${DAMKIT_KEY:-docs-owner-key-0123456789}"
curl -sf --retry 30 --retry-connrefused --retry-delay 1 -o /dev/null "$URL/healthz"   # wait for the server

curl -sf -H "$O" $API/me/notification-preferences | jq -c '.preferences[] | {kind, choice, effective}'
O2="Authorization: Bearer $(curl -sf -H "$O" --json '{"email":"owner2@example.com","role":"owner"}' $API/users | jq -r .api_key)"
curl -sf -H "$O2" -X PUT --json '{"choices":{"request_received":false}}' $API/me/notification-preferences \
  | jq -c '.preferences[] | select(.kind == "request_received") | {choice, library_default, effective}'

curl -sf -H "$O" -X PUT --json '{"email_notifications":{"request_decided":false}}' $API/settings | jq -c .email_notifications
V="Authorization: Bearer $(curl -sf -H "$O" --json '{"email":"viewer@example.com","role":"viewer"}' $API/users | jq -r .api_key)"
curl -sf -H "$V" -X PUT --json '{"choices":{"request_decided":true}}' $API/me/notification-preferences \
  | jq -c '.preferences[] | select(.kind == "request_decided") | {choice, library_default, effective}'
ID=$(printf 'our logo' | curl -sf -H "$O" --data-binary @- "$API/assets?name=logo.txt" | jq -r .id)
curl -sf -H "$O" -X PUT --json '{"protection":"protected"}' $API/assets/$ID/protection > /dev/null
REQ=$(curl -sf -H "$V" --json "{\"asset_ids\":[\"$ID\"],\"reason\":\"press\"}" $API/requests | jq -r '.requests[0].id')
curl -sf -H "$O2" $API/inbox | jq -r '.items[].kind'
curl -sf -H "$O" --json "{\"decisions\":[{\"request_id\":\"$REQ\",\"approve\":true}]}" $API/requests/decisions | jq -r '.items[0].status'
grep -h '^To:' "$MAIL"/*.eml

curl -sf -H "$V" -X PUT --json '{"choices":{"request_decided":null}}' $API/me/notification-preferences \
  | jq -c '.preferences[] | select(.kind == "request_decided") | {choice, effective}'
curl -s -H "$V" -X PUT --json '{"choices":{"newsletter":false}}' $API/me/notification-preferences | jq -r .error.code
curl -s -H "$V" -X PUT --json '{"email_notifications":{"archive_ready":false}}' $API/settings | jq -r .error.code
