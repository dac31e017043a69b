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

JOB=$(curl -sf -X POST "$ANA/downloads" | jq -r .id)
for i in $(seq 100); do [ "$(curl -sf "$ANA/downloads/$JOB" | jq -r .status)" = done ] && break; sleep 0.2; done
curl -sf "$ANA/downloads" | jq -c '.items[] | {name, status, entries_total, parts: [.parts[] | {number, ready}]}'
curl -sf -o part1.zip -w '%{http_code} %{content_type}\n' "$URL$(curl -sf "$ANA/downloads/$JOB" | jq -r '.parts[0].url')"
ready() { grep -l 'To: <ana@example.com>' "$MAIL"/*.eml | xargs grep -l '^Subject: Your download is ready'; }
for i in $(seq 50); do [ -n "$(ready)" ] && break; sleep 0.2; done
INBOX=$(ready | xargs grep -h '^X-Damkit-Link:' | cut -d' ' -f2 | tr -d '\r')
echo "$INBOX" | sed 's|/s/.*/downloads|/s/<sealed link>/downloads|'
curl -sf "$INBOX" | jq -c '[.items[] | {status, parts: (.parts | length)}]'
curl -s "${ANA/\/s\//\/s\/x}/downloads" | jq -r .error.code

curl -sf -H "$O" -X POST $API/shares --json '{"title":"Press preview","validity_days":3,"asset_ids":["'$A'"],
  "guests":"cy@example.net","view_only":true,"password":"open sesame","download_limit":2}' > preview.json
jq -c '{view_only, password, download_limit}' preview.json
S2=$(jq -r .id preview.json); CY=$(jq -r '.links[0].url' preview.json); CYID=$(jq -r '.links[0].guest_id' preview.json)
curl -s "$CY" | jq -c .error
KEY=$(curl -sf -X POST --data-urlencode 'password=open sesame' "$CY/unlock" | jq -r .share_key)
curl -sf -H "X-Share-Key: $KEY" "$CY" | jq -c '{view_only, downloads_left, assets: [.assets[].name]}'
curl -s -H "X-Share-Key: $KEY" "$CY/assets/$A" | jq -c '.error | {code, reason}'
curl -sf -H "$O" -X PATCH --json '{"view_only":false}' $API/shares/$S2 | jq .view_only
curl -sf -H "X-Share-Key: $KEY" "$CY/assets/$A"; echo
curl -sf -H "X-Share-Password: open sesame" "$CY/assets/$A"; echo
curl -s -H "X-Share-Key: $KEY" "$CY/assets/$A" | jq -c '.error | {code, reason}'

curl -sf -H "$O" -X POST --json '{"days":14}' $API/shares/$S2/expiry | jq '(.expires_at | sub("\\.[0-9]+";"") | fromdate) - now | . / 86400 | round'
UNTIL=$(date -u -d '+2 days' +%Y-%m-%dT12:00:00Z)
curl -sf -H "$O" -X POST --json '{"until":"'$UNTIL'"}' $API/shares/$S2/expiry | jq -r '.expires_at == "'$UNTIL'"'
curl -sf -H "$O" -X PATCH --json '{"download_limit":5,"expires_at":{"days":1}}' $API/shares/$S2/guests/$CYID |
  jq -c '.active_guests[0] | {email, download_limit, downloads, ends_in_hours: ((.expires_at | sub("\\.[0-9]+";"") | fromdate) - now | . / 3600 | round)}'
curl -sf -H "X-Share-Key: $KEY" "$CY" | jq -c '{downloads_left}'
curl -sf -H "$O" "$API/events?action=share_shorten" | jq -r '.items[0].action'
cy() { grep -l 'To: <cy@example.net>' "$MAIL"/*.eml; }   # mail goes out in the background: wait for it
for i in $(seq 50); do [ "$(cy | wc -l)" -ge 5 ] && break; sleep 0.2; done
echo "$(cy | xargs grep -l '^Subject:.*changed' | wc -l) emails to cy: \"Your access to … changed\""

curl -sf -H "$O" -X PATCH --json '{"enabled":false}' $API/shares/$SHARE | jq .enabled
curl -s "$ANA" | jq -c .error
curl -s -H "$O" -X POST $API/shares --json '{"title":"x","validity_days":4,"asset_ids":["'$A'"]}' | jq -r .error.message
curl -s -H "$O" -X POST $API/shares --json '{"title":"x","validity_days":7,"asset_ids":["'$A'"],"guests":"Pat <p@x.com>"}' | jq -r .error.message
for i in $(seq 150); do curl -s -o /dev/null -w '%{http_code}\n' $URL/s/guess$i; done | sort -u | xargs   # 404, then 429
