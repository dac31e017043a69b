#!/usr/bin/env bash
# The commands of docs/portals.md, in order (docs/docs_test.go runs them).
set -euo pipefail

URL=${DAMKIT_URL:-http://127.0.0.1:8080}; API=$URL/api/v1; MAIL=${DAMKIT_MAIL:-/tmp/damkit-mail}
O="Authorization: Bearer ${DAMKIT_KEY:-docs-owner-key-0123456789}"
curl -sf --retry 30 --retry-connrefused --retry-delay 1 -o /dev/null "$URL/healthz"   # wait for the server

ID=$(printf 'our logo' | curl -sf -H "$O" --data-binary @- "$API/assets?name=logo.txt" | jq -r .id)
curl -sf -H "$O" --json '{"slug":"press-kit","title":"Press kit","description":"Logos for journalists",
  "asset_ids":["'$ID'"],"mode":"request"}' $API/portals | jq -c '{slug, mode, enabled}'
curl -sf $URL/p/press-kit | jq -c '{title, mode, assets: [.assets[] | {name, downloadable}]}'
curl -sf --json '{"email":"journalist@example.org","message":"For an article on Friday"}' \
  $URL/p/press-kit/requests | jq -c '.requests[] | {status, requester_email}'

grep -l 'To: "Owner" <admin@example.com>' "$MAIL"/*.eml | wc -l
REQ=$(curl -sf -H "$O" "$API/requests?status=pending" | jq -r '.items[0].id')
curl -sf -H "$O" --json '{"decisions":[{"request_id":"'$REQ'","approve":true,"message":"Enjoy"}]}' $API/requests/decisions \
  | jq -r '.items[0].status'
LINK=$(grep -l 'To: <journalist@example.org>' "$MAIL"/*.eml | xargs grep -h '^X-Damkit-Link:' | tail -1 | cut -d' ' -f2 | tr -d '\r')
echo "$LINK" | sed 's|/access/.*|/access/<signed token>|'
curl -sf "$LINK" | jq -c '{email, assets: [.assets[] | {name, downloadable}]}'
DL=$URL$(curl -sf "$LINK" | jq -r '.assets[0].download_url')
curl -sf "$DL"; echo
curl -s "${LINK}x" | jq -c .error

G=$(curl -sf -H "$O" "$API/grants?email=journalist@example.org" | jq -r '.items[0].id')
curl -sf -H "$O" -X DELETE $API/grants/$G > /dev/null
curl -s "$DL" | jq -r .error.code
curl -s --json '{"email":"not an address"}' $URL/p/press-kit/requests | jq -r .error.code
for i in 1 2 3 4; do
  curl -s -o /dev/null -w '%{http_code}\n' --json '{"email":"press@example.net"}' $URL/p/press-kit/requests
done | xargs   # 3 per address at once, then one every 10 minutes
curl -sf -H "$O" "$API/events?actor=journalist@example.org" | jq -r '[.items[].action] | join(" ")'

P=$(curl -sf -H "$O" $API/portals | jq -r '.items[0].id')
curl -sf -H "$O" "$API/portals/$P/usage" \
  | jq -c '{opens, requests, downloads, assets: [.assets[] | {requests, downloads}], days: (.days | length)}'
