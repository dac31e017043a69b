#!/usr/bin/env bash
# The commands of docs/users.md, in order (docs/docs_test.go runs them).
set -euo pipefail

URL=${DAMKIT_URL:-http://127.0.0.1:8080}; API=$URL/api/v1
O="Authorization: Bearer ${DAMKIT_KEY:-docs-owner-key-0123456789}"
curl -sf --retry 30 --retry-connrefused --retry-delay 1 -o /dev/null "$URL/healthz"   # wait for the server

BEA=$(curl -sf -H "$O" --json '{"email":"bea@example.com","name":"Bea","role":"owner","domains":["b"]}' $API/users)
B="Authorization: Bearer $(echo "$BEA" | jq -r .api_key)"; BEA_ID=$(echo "$BEA" | jq -r .id)
curl -sf -H "$O" $API/me | jq -c '{role, domains, admin}'
curl -sf -H "$B" $API/me | jq -c '{role, domains, admin}'
ED=$(curl -sf -H "$B" --json '{"email":"ed@example.com","name":"Ed","role":"editor","domains":["b"]}' $API/users | jq -r .id)
curl -sf -H "$B" $API/users | jq -r '.items[].email'

printf 'quarterly numbers\n' > numbers.txt
A=$(curl -sf -H "$O" --data-binary @numbers.txt "$API/assets?name=numbers.txt" | jq -r .id)
curl -sf -o /dev/null -H "$O" -X PUT --json '{"shares_enabled":true}' $API/settings
SH=$(curl -sf -H "$O" --json "{\"title\":\"Numbers\",\"asset_ids\":[\"$A\"],\"days\":7}" $API/shares | jq -r .id)
curl -s -H "$B" $API/shares/$SH | jq -c ".error | .message |= sub(\"$SH\"; \"<id>\")"
curl -s -H "$B" $API/shares/01aaaaaaaaaaaaaaaaaaaaaaaa | jq -c '.error | .message |= sub("01a+"; "<id>")'
curl -s -H "$B" --json '{"email":"x@example.com","role":"owner","domains":["default"]}' $API/users | jq -r .error.message
curl -s -H "$B" -X PUT --json '{"shares_enabled":false}' $API/settings | jq -r .error.message

NEW=$(curl -sf -H "$B" --json '{"name":"laptop"}' $API/users/$BEA_ID/keys | jq -r .api_key)
curl -sf -H "$B" $API/users/$BEA_ID/keys | jq -c '[.items[] | {name, used: (.last_used_at != null)}]'
FIRST=$(curl -sf -H "$B" $API/users/$BEA_ID/keys | jq -r '.items[0].id')
curl -sf -H "$B" -X DELETE $API/keys/$FIRST | jq -r '"revoked: \(.name)"'
curl -s -o /dev/null -w '%{http_code}\n' -H "$B" $API/me
B="Authorization: Bearer $NEW"
curl -sf -H "$B" $API/me | jq -r .email

curl -sf -H "$B" "$API/users?q=ED" | jq -c '.items[] | {name, email}'
curl -sf -H "$B" -X PATCH --json '{"disabled":true}' $API/users/$ED | jq -r '"disabled: \(.disabled_at != null)"'
curl -sf -H "$B" "$API/users?q=ed" | jq -c .items
ME=$(curl -sf -H "$O" $API/me | jq -r .id)
curl -s -H "$O" -X PATCH --json '{"disabled":true}' $API/users/$ME | jq -r .error.code
curl -sf -H "$B" -X DELETE -o /dev/null -w '%{http_code}\n' $API/users/$ED
