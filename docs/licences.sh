#!/usr/bin/env bash
# The commands of docs/licences.md, in order (docs/docs_test.go runs them).
set -euo pipefail

URL=${DAMKIT_URL:-http://127.0.0.1:8080}; API=$URL/api/v1
O="Authorization: Bearer ${DAMKIT_KEY:-docs-owner-key-0123456789}"
curl -sf --retry 30 --retry-connrefused --retry-delay 1 -o /dev/null "$URL/healthz"   # wait for the server

V="Authorization: Bearer $(curl -sf -H "$O" --json '{"email":"viewer@example.com","role":"viewer"}' $API/users | jq -r .api_key)"
LIC=$(curl -sf -H "$O" --json '{"title":"Press licence","text":"Editorial use only. Credit the photographer."}' $API/licences | jq -r .id)
F=$(curl -sf -H "$O" --json '{"name":"Press"}' $API/folders | jq -r .id)
curl -sf -H "$O" -X PUT --json "{\"licence\":\"$LIC\"}" $API/folders/$F/licence | jq -r .name
ID=$(printf 'press photo' | curl -sf -H "$O" --data-binary @- "$API/assets?name=photo.txt&folder=$F" | jq -r .id)
curl -s -H "$V" $API/assets/$ID/download | jq -c '.error | {code, licences: [.licences[] | {title, version}]}'

curl -sf -H "$V" $API/licences/$LIC | jq -r .text
curl -sf -H "$V" --json '{"version":1}' $API/licences/$LIC/accept | jq -r .version
curl -sf -H "$V" $API/assets/$ID/download; echo
curl -sf -H "$O" -X PATCH --json '{"text":"Editorial use only. Credit the photographer and the agency."}' $API/licences/$LIC | jq .version
curl -s -H "$V" -o /dev/null -w '%{http_code}\n' $API/assets/$ID/download
curl -s -H "$V" --json '{"version":1}' $API/licences/$LIC/accept | jq -r .error.code
curl -sf -H "$V" --json '{"version":2}' $API/licences/$LIC/accept > /dev/null
curl -s -H "$V" -o /dev/null -w '%{http_code}\n' $API/assets/$ID/download
curl -sf -H "$O" "$API/events?action=licence_accept" | jq '.items | length'

curl -sf -H "$O" -X PUT --json '{"licence":"none"}' $API/assets/$ID/licence | jq -r .licence
curl -s -H "$O" -X DELETE $API/licences/$LIC | jq -r .error.code
