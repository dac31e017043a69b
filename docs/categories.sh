#!/usr/bin/env bash
# The commands of docs/categories.md, in order (docs/docs_test.go runs them).
set -euo pipefail

URL=${DAMKIT_URL:-http://127.0.0.1:8080}; API=$URL/api/v1
O="Authorization: Bearer ${DAMKIT_KEY:-docs-owner-key-0123456789}"
curl -sf --retry 30 --retry-connrefused --retry-delay 1 -o /dev/null "$URL/healthz"   # wait for the server

P=$(curl -sf -H "$O" --json '{"name":"Products"}' $API/categories | jq -r .id)
S=$(curl -sf -H "$O" --json "{\"name\":\"Shoes\",\"parent_id\":\"$P\"}" $API/categories | jq -r .id)
SP=$(curl -sf -H "$O" --json '{"name":"Spring campaign"}' $API/categories | jq -r .id)
printf 'a red boot\n' > boot.txt
A=$(curl -sf -H "$O" --data-binary @boot.txt "$API/assets?name=boot.txt&categories=$S" | jq -r .id)
curl -sf -H "$O" --json "{\"asset_ids\":[\"$A\"]}" $API/categories/$SP/assets | jq -c '{name, asset_count}'
curl -sf -H "$O" $API/categories | jq -r '.items[] | "\(.name): \(.asset_count) asset(s)\(if .parent_id != "" then ", under Products" else "" end)"'

curl -sf -H "$O" "$API/assets?category=$P" | jq -c '[.items[].name]'
curl -sf -H "$O" "$API/assets?category=$P&subcategories=false" | jq '.items | length'

curl -sf -H "$O" -X DELETE $API/assets/$A
curl -sf -H "$O" $API/categories | jq -c '[.items[].asset_count]'
curl -sf -H "$O" -X POST $API/trash/$A/restore | jq '.categories | length'
curl -s -H "$O" -X PATCH --json '{"categories":["nope"]}' $API/assets/$A | jq -c .error
curl -s -H "$O" -X PATCH --json "{\"parent_id\":\"$S\"}" $API/categories/$P | jq -r .error.code
curl -s -H "$O" -X DELETE $API/categories/$P | jq -r .error.code
