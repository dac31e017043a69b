#!/usr/bin/env bash
# The commands of docs/webhooks.md, in order (docs/docs_test.go runs them).
set -euo pipefail

URL=${DAMKIT_URL:-http://127.0.0.1:8080}; API=$URL/api/v1
O="Authorization: Bearer ${DAMKIT_KEY:-docs-owner-key-0123456789}"
curl -sf --retry 30 --retry-connrefused --retry-delay 1 -o /dev/null "$URL/healthz"   # wait for the server

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HOOK=$(curl -sf -H "$O" --json "{\"url\":\"http://127.0.0.1:$PORT/hook\",\"events\":[\"asset.uploaded\",\"asset.updated\"]}" $API/webhooks)
echo "$HOOK" | jq -c '{events, secret: (.secret | startswith("whsec_"))}'
H=$(echo "$HOOK" | jq -r .id)
curl -sf -H "$O" $API/webhooks/$H | jq -c '{url: (.url | endswith("/hook")), secret}'

cat > receiver.py <<'PY'
import base64, hashlib, hmac, http.server, json, os, sys, time
key = base64.b64decode(os.environ["SECRET"].removeprefix("whsec_"))
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        signed = f'{self.headers["webhook-id"]}.{self.headers["webhook-timestamp"]}.'.encode() + body
        mac = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        sigs = [s.split(",", 1)[1] for s in self.headers["webhook-signature"].split()]
        fresh = abs(time.time() - int(self.headers["webhook-timestamp"])) < 300
        ok = fresh and any(hmac.compare_digest(mac, s) for s in sigs)
        print(json.loads(body)["type"], "verified" if ok else "REFUSED", flush=True)
        self.send_response(204 if ok else 401)
        self.end_headers()
    def log_message(self, *args): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
PY
SECRET=$(echo "$HOOK" | jq -r .secret) python3 receiver.py $PORT > received.txt &
RECEIVER=$!
trap 'kill $RECEIVER' EXIT

ID=$(printf 'a brief' | curl -sf -H "$O" --data-binary @- "$API/assets?name=brief.txt" | jq -r .id)
curl -sf -H "$O" -X PATCH --json '{"title":"The brief"}' $API/assets/$ID | jq -r .title
curl -sf -H "$O" -X POST $API/webhooks/$H/test | jq -r .type
for i in $(seq 100); do [ "$(wc -l < received.txt)" -ge 3 ] && break; sleep 0.1; done
sort received.txt

curl -sf -H "$O" "$API/webhooks/$H/deliveries" | jq -r '.items[] | "\(.type) \(.status) attempts=\(.attempts) last_status=\(.last_status)"' | sort

curl -s -H "$O" --json '{"url":"https://hooks.example.com/in","events":["asset.exploded"]}' $API/webhooks | jq -r .error.message
curl -sf -H "$O" -X DELETE -o /dev/null -w '%{http_code}\n' $API/webhooks/$H
