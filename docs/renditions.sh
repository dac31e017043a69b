#!/usr/bin/env bash
# The commands of docs/renditions.md, in order (docs/docs_test.go runs them).
set -euo pipefail

URL=${DAMKIT_URL:-http://127.0.0.1:8080}; API=$URL/api/v1
O="Authorization: Bearer ${DAMKIT_KEY:-docs-owner-key-0123456789}"
curl -sf --retry 30 --retry-connrefused --retry-delay 1 -o /dev/null "$URL/healthz"   # wait for the server

curl -sf -H "$O" --json '{"name":"web","width":1024,"height":1024,"format":"jpeg","quality":80}' $API/profiles | jq -c '{name, spec}'
curl -sf -H "$O" --json '{"name":"square-png","width":512,"height":512,"fit":"cover","format":"png"}' $API/profiles | jq -c '{name, spec}'
curl -s -H "$O" --json '{"name":"none","width":0}' $API/profiles | jq -r .error.message

ID=$(curl -sf -H "$O" "$API/assets?q=sunrise" | jq -r '.items[0].id')
curl -sf -H "$O" -o sunrise-web.jpg -D - "$API/assets/$ID/download?profile=web" \
  | grep -iE '^(content-type|content-disposition):' | tr -d '\r' | sort
curl -sf -H "$O" -o /dev/null -w '%{http_code} %{size_download} bytes\n' -H 'Range: bytes=0-99' "$API/assets/$ID/download?profile=web"
curl -s -H "$O" "$API/assets/$ID/download?profile=print" | jq -r .error.message

V="Authorization: Bearer $(curl -sf -H "$O" --json '{"email":"viewer@example.com","role":"viewer"}' $API/users | jq -r .api_key)"
curl -sf -H "$O" -X PUT --json '{"protection":"protected"}' $API/assets/$ID/protection > /dev/null
curl -sf -H "$O" -X PUT --json '{"show_watermarks":true}' $API/settings > /dev/null
curl -sf -H "$V" -o marked.png -w '%{http_code} %{content_type}\n' "$API/assets/$ID/preview?profile=square-png"
curl -s -H "$V" "$API/assets/$ID/download?profile=web" | jq -r .error.code
curl -sf -H "$O" "$API/events?asset=$ID&action=download" | jq -r '.items[].detail'

curl -s -H "$O" "$API/assets/$ID/download?w=800&format=jpeg&dpi=300" | jq -r .error.message
curl -sf -H "$O" -X PUT --json '{"custom_renditions":{"enabled":true,"max_pixels":4000000,"formats":["jpeg","png","webp","tiff"]}}' $API/settings | jq -c .custom_renditions
curl -s -H "$O" "$API/assets/$ID/download?w=3000&h=3000" | jq -r .error.message
curl -s -H "$O" "$API/assets/$ID/download?w=800&format=webp&dpi=300" | jq -r .error.message
curl -s -H "$O" "$API/assets/$ID/download?w=800&w=900" | jq -r .error.message
for w in 800 0800; do
  curl -sf -H "$O" -o sunrise-800.jpg -D - "$API/assets/$ID/download?w=$w&format=jpeg&dpi=300" | grep -i '^etag'
done | sort -u | wc -l
head -c 18 sunrise-800.jpg | tail -c 5 | od -An -tu1
curl -sf -H "$V" -o marked-300.png -w '%{http_code} %{content_type}\n' "$API/assets/$ID/preview?w=300&format=png&colorspace=grey"
curl -s -H "$V" "$API/assets/$ID/download?w=300" | jq -r .error.code
curl -sf -H "$O" --json "{\"asset_ids\":[\"$ID\"],\"renditions\":{\"$ID\":{\"w\":400,\"h\":400,\"fit\":\"smart\",\"format\":\"tiff\",\"dpi\":600}}}" \
  $API/downloads | jq -c '{status, entries_total}'

for c in '"square","width":600,"height":600' '"4x5","width":480,"height":600' '"16x9","width":800,"height":450'; do
  curl -sf -H "$O" --json '{"name":'"$c"',"fit":"smart","format":"jpeg","smart_crop":true}' $API/profiles | jq -c '{name, spec, smart_crop}'
done
curl -sf -H "$O" -X POST -o crops.zip "$API/assets/$ID/crops?stream=1"
unzip -Z1 crops.zip
curl -sf -H "$O" --json '{"asset_ids":["'"$ID"'"],"crops":true,"async":true}' $API/downloads | jq -c '[.items[] | {profile, crop}]'
