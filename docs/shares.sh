#!/usr/bin/env bash
# The commands of docs/shares.md, in order (docs/docs_test.go runs them).
set -euo pipefail

URL=${DAMKIT_URL:-http://127.0.0.1:8080}; API=$URL/api/v1; MAIL=${DAMKIT_MAIL:-/tmp/damkit-mail}
O="Authorization: Bearer ${DAMKIT_KEY:-docs-owner-key-0123456789}"
curl -sf --retry 30 --retry-connrefused --retry-delay 1 -o /dev/null "$URL/healthz"   # wait for the server

curl -sf -H "$O" -X PUT --json '{"shares_enabled":true}' $API/settings | jq .shares_enabled
A=$(printf 'the brief' | curl -sf -H "$O" --data-binary @- "$API/assets?name=brief.txt" | jq -r .id)
curl -sf -H "$O" -X POST $API/shares --json '{"title":"Spring campaign","validity_days":7,
  "asset_ids":["'$A'"],"guests":"ana@example.com, bo@example.org","comment":"Final files"}' > share.json
jq -c '{title, guests: [.active_guests[].email], links: (.links | length)}' share.json
SHARE=$(jq -r .id share.json)
ANA=$(grep -l 'To: <ana@example.com>' "$MAIL"/*.eml | xargs grep -h '^X-Damkit-Link:' | cut -d' ' -f2 | tr -d '\r')
echo "$ANA" | sed 's|/s/.*|/s/<her token>|'

curl -sf "$ANA" | jq -c '{title, assets: [.assets[] | {name, size}]}'
curl -sf "$ANA/assets/$A"; echo
curl -sf -r 4- "$ANA/assets/$A"; echo
curl -sf -o all.zip -w '%{http_code} %{content_type}\n' "$ANA/download"
curl -sf -H "$O" "$API/shares/$SHARE/usage" | jq -c '{downloads, opens, people: [.people[] | {actor, downloads}]}'

curl -sf -H "$O" -X PATCH --json '{"enabled":false}' $API/shares/$SHARE | jq .enabled
curl -s "$ANA" | jq -c .error
curl -s -H "$O" -X POST $API/shares --json '{"title":"x","validity_days":4,"asset_ids":["'$A'"]}' | jq -r .error.message
curl -s -H "$O" -X POST $API/shares --json '{"title":"x","validity_days":7,"asset_ids":["'$A'"],"guests":"Pat <p@x.com>"}' | jq -r .error.message
for i in $(seq 150); do curl -s -o /dev/null -w '%{http_code}\n' $URL/s/guess$i; done | sort -u | xargs   # 404, then 429
