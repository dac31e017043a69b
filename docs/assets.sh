#!/usr/bin/env bash
# The commands of docs/assets.md, in order (docs/docs_test.go runs them).
set -euo pipefail

URL=${DAMKIT_URL:-http://127.0.0.1:8080}; API=$URL/api/v1
O="Authorization: Bearer ${DAMKIT_KEY:-docs-owner-key-0123456789}"
curl -sf --retry 30 --retry-connrefused --retry-delay 1 -o /dev/null "$URL/healthz"   # wait for the server

# upload (raw body; name and metadata in the query string)
printf 'hello, world\n' > hello.txt
ID=$(curl -sf -H "$O" --data-binary @hello.txt "$API/assets?name=hello.txt&title=Greeting" | jq -r .id)

# list and search
curl -sf -H "$O" "$API/assets?q=greet" | jq -c '.items[] | {name, kind, type: .current.media_type}'

curl -sf -H "$O" -X PATCH --json '{"description":"A friendly file","keywords":["hello"]}' "$API/assets/$ID" \
  | jq -c '.metadata | {title, description, keywords}'
printf 'hello again, world\n' > hello2.txt
curl -sf -H "$O" -F name=hello2.txt -F file=@hello2.txt "$API/assets/$ID/versions" | jq .current.number
curl -sf -H "$O" "$API/assets/$ID/versions" | jq -c '[.items[] | {number, size}]'

curl -sf -H "$O" -o downloaded.txt "$API/assets/$ID/download" && cat downloaded.txt
curl -sf -H "$O" -H 'Range: bytes=6-10' "$API/assets/$ID/download"; echo

curl -sf -H "$O" -X DELETE "$API/assets/$ID"
curl -sf -H "$O" "$API/trash" | jq -c '[.items[] | .name]'
curl -sf -H "$O" -X POST "$API/trash/$ID/restore" | jq -c '{name, deleted_at}'
curl -sf -H "$O" "$API/events?asset=$ID" | jq -r '[.items[] | .action] | join(" ")'

curl -s -H "$O" "$API/assets/nope" | jq -c .error
curl -sf "$API/openapi.json" | jq -r .info.title

curl -sf -H "$O" -X POST "$API/assets/$ID/versions/1/restore" | jq -c '.current | {number, size, original_name}'
curl -sf -H "$O" "$API/assets/$ID/download"
