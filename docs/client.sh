#!/usr/bin/env bash
# The commands of docs/client.md, in order (docs/docs_test.go runs them).
set -euo pipefail

URL=${DAMKIT_URL:-http://127.0.0.1:8080}; KEY=${DAMKIT_KEY:-docs-owner-key-0123456789}
curl -sf --retry 30 --retry-connrefused --retry-delay 1 -o /dev/null "$URL/healthz"   # wait for the server

damkit login -json -server "$URL" -key "$KEY" | jq -c '{server, email, role}'

mkdir -p shoot/2024/beach shoot/2024/city
printf 'sand and sea' > shoot/2024/beach/dunes.jpg
printf 'waves at noon' > shoot/2024/beach/waves.jpg
printf 'lights' > shoot/2024/city/night.jpg
printf 'the brief' > shoot/brief.txt
cat > shoot/2024/beach/waves.jpg.xmp <<'XMP'
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Waves at noon</rdf:li></rdf:Alt></dc:title>
  <dc:subject><rdf:Bag><rdf:li>sea</rdf:li><rdf:li>summer</rdf:li></rdf:Bag></dc:subject>
 </rdf:Description></rdf:RDF></x:xmpmeta>
XMP
printf 'path,title,keywords,usage_terms\nshoot/2024/city/night.jpg,City at night,city;night,editorial only\n' > meta.csv

damkit upload -json -j 8 -manifest meta.csv shoot | jq -c '{files, uploaded, failed}'
damkit ls -json shoot/2024/beach | jq -c '{name, title: .metadata.title, keywords: .metadata.keywords}'
damkit search -json night | jq -c '{name, title: .metadata.title, fields: .metadata.fields}'

damkit upload -json shoot | jq -c '{files, uploaded, skipped_journal}'
damkit upload -json -journal other-machine.jsonl shoot | jq -c '{files, uploaded, skipped_present}'
printf 'a second brief' > shoot/brief-2.txt
damkit upload -json shoot | jq -c '{files, uploaded, skipped_journal}'

damkit download -json -o out folder shoot/2024 | jq -c '{files: [.files[] | sub(".*/"; "")]}'
python3 -c 'import zipfile; print(sorted(zipfile.ZipFile("out/2024.zip").namelist()))'
ID=$(damkit search -json dunes | jq -r .id)
damkit download -json -o out asset "$ID" | jq -c '{files: [.files[] | sub(".*/"; "")], bytes}'
cat out/dunes.jpg; echo

curl -sf -H "Authorization: Bearer $KEY" -X PUT --json '{"shares_enabled":true}' "$URL/api/v1/settings" > /dev/null
damkit share -json -days 7 -guests ana@example.com "$ID" | jq -c '{links: [.links[] | {email, url: (.url | sub("/s/.*"; "/s/<token>"))}]}'
damkit requests list
damkit export-events -since 1h | jq -r .action | sort | uniq -c | awk '{print $2, $1}'

damkit download asset no-such-asset 2> /dev/null || echo "exit $?"
damkit ls -key wrong-key 2> /dev/null || echo "exit $?"
