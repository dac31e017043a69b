#!/usr/bin/env bash
# The commands of docs/protection.md, in order (docs/docs_test.go runs them).
set -euo pipefail

URL=${DAMKIT_URL:-http://127.0.0.1:8080}; API=$URL/api/v1; MAIL=${DAMKIT_MAIL:-/tmp/damkit-mail}
O="Authorization: Bearer ${DAMKIT_KEY:-docs-owner-key-0123456789}"
curl -sf --retry 30 --retry-connrefused --retry-delay 1 -o /dev/null "$URL/healthz"   # wait for the server

V="Authorization: Bearer $(curl -sf -H "$O" --json '{"email":"viewer@example.com","role":"viewer"}' $API/users | jq -r .api_key)"
FOLDER=$(curl -sf -H "$O" --json '{"name":"Press kit"}' $API/folders | jq -r .id)
curl -sf -H "$O" -X PUT --json '{"protection":"protected"}' $API/folders/$FOLDER/protection | jq -r .protection
ID=$(printf 'our logo' | curl -sf -H "$O" --data-binary @- "$API/assets?name=logo.txt&folder=$FOLDER" | jq -r .id)
curl -s -H "$V" $API/assets/$ID/download | jq -c '.error | {code, reason, ask: .request.path}'

curl -sf -H "$V" --json "{\"asset_ids\":[\"$ID\"],\"reason\":\"For the press release\"}" $API/requests \
  | jq -c '.requests[0] | {status, validity_days}'
curl -sf -H "$O" "$API/requests?status=pending" \
  | jq -c '.items[] | {asset_name, folder_path, validity_days, requester_email, reason}'
REQ=$(curl -sf -H "$O" "$API/requests?status=pending" | jq -r '.items[0].id')
GRANT=$(curl -sf -H "$O" --json "{\"decisions\":[{\"request_id\":\"$REQ\",\"approve\":true,\"message\":\"Go ahead\"}]}" \
  $API/requests/decisions | jq -r '.items[0].grant.id')

curl -sf -H "$V" "$API/inbox?unread=1" | jq -c '.items[] | {kind, subject}'
grep -l 'To: <viewer@example.com>' "$MAIL"/*.eml | xargs grep -h '^Subject:\|^X-Damkit-Link:' | sed "s/$ID/<id>/" | tr -d '\r'
curl -sf -H "$V" $API/assets/$ID/download; echo
curl -sf -H "$O" -X DELETE $API/grants/$GRANT | jq 'has("revoked_at")'
curl -s -H "$V" $API/assets/$ID/download | jq -r .error.code
curl -sf -H "$O" "$API/events?asset=$ID&action=download" | jq '.items | length'

curl -sf -H "$O" -X PUT --json '{"auto_approve":true,"grant_validity_days":1}' $API/settings \
  | jq -c '{auto_approve, grant_validity_days}'
curl -sf -H "$V" --json "{\"asset_ids\":[\"$ID\"],\"reason\":\"Again\"}" $API/requests \
  | jq -c '.requests[0] | {status, auto_approved, validity_days}'
curl -sf -H "$V" $API/assets/$ID/download; echo

curl -sf -H "$O" -X PUT --json '{"downloads_off":true}' $API/settings | jq .downloads_off
curl -s -H "$V" $API/assets/$ID/download | jq -c '.error | {code, reason}'
curl -s -H "$V" --json "{\"asset_ids\":[\"$ID\"]}" $API/requests | jq -r .error.code
curl -s -H "$O" -o /dev/null -w '%{http_code}\n' $API/assets/$ID/download
