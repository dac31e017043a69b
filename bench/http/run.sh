#!/usr/bin/env bash
# bench/http/run.sh: damkit's hot paths side by side with nginx (issue 20).
#
# The server runs pinned to core 0 (taskset), nginx (one worker, sendfile,
# access log on, the same bytes as static files) on core 0 too, wrk on
# core 1. Each round runs every target once, interleaved; the table shows
# the medians of the rounds. Usage:
#
#   bench/http/run.sh                      # 3 rounds of 10 s, 64 connections
#   ROUNDS=1 SECONDS_EACH=5 bench/http/run.sh preview nginx-web
#   PROFILE=preview bench/http/run.sh      # also a CPU and block profile of that target
#   bench/http/run.sh search               # varied searches (search.lua) at 16 connections
#   bench/sqlstore/with-postgres.sh bench/http/run.sh   # on PostgreSQL (DAMKIT_POSTGRES_URL)
#   bench/http/run.sh download download-noevents    # usage events on vs off
#   bench/http/run.sh list-write write     # a write, then the page read again; the write alone
#
# The -noevents targets ask a second server, built with the tag
# damkit_noevents (no usage log; examples/server/benchstore_noevents.go),
# on the same data, started only when such a target is named. PORT,
# NGINX_PORT, DEBUG_PORT (and NOEVENTS_PORT) and DATA let two runs on one
# machine keep apart.
#
# The seeded library (100,000 assets) is kept in $DATA (default
# /tmp/damkit-http-bench) and reused while its seed program is unchanged;
# on PostgreSQL (a new cluster each time) it is seeded every run, unless
# with-postgres.sh keeps its cluster in DAMKIT_PG_DIR (give each such
# cluster its own DATA).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
SECONDS_EACH=${SECONDS_EACH:-10}
CONNS=${CONNS:-64}
ASSETS=${ASSETS:-100000}
PORT=${PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
DEBUG_PORT=${DEBUG_PORT:-18082}
NOEVENTS_PORT=${NOEVENTS_PORT:-18083}
KEY=dk_bench-key-0123456789abcdefghijklmnop
STORE=""
DATA=${DATA:-/tmp/damkit-http-bench}
if [ -n "${DAMKIT_POSTGRES_URL:-}" ]; then
	STORE=$DAMKIT_POSTGRES_URL
	DATA=${DATA}-pg
	# PostgreSQL (the cluster behind this URL only) shares core 1 with wrk;
	# the server keeps core 0. Backends forked later inherit the postmaster's
	# affinity.
	pgport=$(echo "$STORE" | sed -E 's|.*@[^:/]+:([0-9]+)/.*|\1|')
	pm=$(ss -Hltnp "sport = :$pgport" | sed -nE 's/.*pid=([0-9]+).*/\1/p' | head -n 1)
	if [ -n "$pm" ]; then
		for p in "$pm" $(pgrep -P "$pm"); do taskset -cp 1 "$p" >/dev/null; done
	fi
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	targets=(healthz me preview download-web download list nginx-web nginx-orig)
fi

bin=$(mktemp -d /tmp/damkit-http-bin.XXXXXX)
work=$(mktemp -d /tmp/damkit-http-run.XXXXXX)
server_pid="" nginx_pid="" noev_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
	[ -n "$noev_pid" ] && kill "$noev_pid" 2>/dev/null && wait "$noev_pid" 2>/dev/null || true
	[ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
	rm -rf "$bin" "$work"
}
trap cleanup EXIT
go build -o "$bin/server" ./examples/server
noevents=""
for t in "${targets[@]}"; do case $t in *-noevents) noevents=1 ;; esac; done
if [ -n "$noevents" ]; then go build -tags damkit_noevents -o "$bin/server-noevents" ./examples/server; fi
go build -o "$bin/seed" ./bench/http/seed
stamp=$(sha256sum bench/http/seed/main.go | cut -c1-16)-$ASSETS
# with-postgres.sh makes a new cluster each time: seed it every time, unless
# the cluster is kept (DAMKIT_PG_DIR) and was seeded by this same program.
fresh=""
if [ -n "$STORE" ] && [ -z "${DAMKIT_PG_DIR:-}" ]; then fresh=1; fi
if [ -n "$fresh" ] || [ "$(cat "$DATA/stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$DATA"
	mkdir -p "$DATA"
	echo "seeding $ASSETS assets into $DATA ..." >&2
	"$bin/seed" -data "$DATA/data" -www "$DATA/www" -key "$KEY" -n "$ASSETS" ${STORE:+-store "$STORE"} >"$DATA/env"
	echo "$stamp" >"$DATA/stamp"
fi
# shellcheck disable=SC1091
. "$DATA/env"

cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
	access_log $work/nginx-access.log;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	types { image/jpeg jpg; }
	client_body_temp_path $work/nginx-tmp;
	proxy_temp_path $work/nginx-tmp;
	fastcgi_temp_path $work/nginx-tmp;
	uwsgi_temp_path $work/nginx-tmp;
	scgi_temp_path $work/nginx-tmp;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $DATA/www;
	}
}
CONF
taskset -c 0 /usr/sbin/nginx -c "$work/nginx.conf" -p "$work" 2>>"$work/nginx-error.log" &
nginx_pid=$!

debug=""
if [ -n "${PROFILE:-}" ]; then debug=127.0.0.1:$DEBUG_PORT; fi
DAMKIT_DEBUG_ADDR=$debug taskset -c 0 "$bin/server" -addr 127.0.0.1:$PORT -data "$DATA/data" -admin-key "$KEY" \
	${STORE:+-store "$STORE"} >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
noev_url=http://127.0.0.1:$PORT/healthz
if [ -n "$noevents" ]; then
	# The second server's profiles, if any, are the first one's (PROFILE
	# names a target of the first).
	taskset -c 0 "$bin/server-noevents" -addr 127.0.0.1:$NOEVENTS_PORT -data "$DATA/data" -admin-key "$KEY" \
		${STORE:+-store "$STORE"} >"$work/server-noevents.out" 2>"$work/server-noevents.log" &
	noev_pid=$!
	noev_url=http://127.0.0.1:$NOEVENTS_PORT/healthz
fi
for _ in $(seq 100); do
	curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && curl -fs "$noev_url" >/dev/null 2>&1 &&
		curl -fs "http://127.0.0.1:$NGINX_PORT/web.jpg" >/dev/null 2>&1 && break
	sleep 0.1
done

url() {
	case $1 in
	healthz) echo "http://127.0.0.1:$PORT/healthz" ;;
	me) echo "http://127.0.0.1:$PORT/api/v1/me" ;;
	preview) echo "http://127.0.0.1:$PORT/api/v1/assets/$ASSET/preview?profile=web" ;;
	download-web) echo "http://127.0.0.1:$PORT/api/v1/assets/$ASSET/download?profile=web" ;;
	download) echo "http://127.0.0.1:$PORT/api/v1/assets/$ASSET/download" ;;
	download-noevents) echo "http://127.0.0.1:$NOEVENTS_PORT/api/v1/assets/$ASSET/download" ;;
	download-web-noevents) echo "http://127.0.0.1:$NOEVENTS_PORT/api/v1/assets/$ASSET/download?profile=web" ;;
	list | list-write | write) echo "http://127.0.0.1:$PORT/api/v1/assets?limit=100" ;;
	search) echo "http://127.0.0.1:$PORT/api/v1/assets?limit=100&q=image-000001" ;;
	nginx-web) echo "http://127.0.0.1:$NGINX_PORT/web.jpg" ;;
	nginx-orig) echo "http://127.0.0.1:$NGINX_PORT/orig.jpg" ;;
	*) echo "unknown target $1" >&2; exit 2 ;;
	esac
}

# Every target answers 200 before anything is measured.
for t in "${targets[@]}"; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KEY" "$(url "$t")")
	if [ "$code" != 200 ]; then echo "$t answers $code" >&2; exit 1; fi
done

# cputicks PID: user + system CPU time of a process in clock ticks (0 without one).
cputicks() { if [ -n "$1" ]; then awk '{ print $14 + $15 }' "/proc/$1/stat"; else echo 0; fi; }
hz=$(getconf CLK_TCK)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for r in $(seq "$ROUNDS"); do
	for t in "${targets[@]}"; do
		prof=""
		if [ "${PROFILE:-}" = "$t" ] && [ "$r" = 1 ]; then
			curl -s -o "bench/http/cpu-$t.pprof" "http://$debug/debug/pprof/profile?seconds=$((SECONDS_EACH - 2))" &
			prof=$!
		fi
		# search: a different query each request (search.lua), so that no
		# page comes from memory, at 16 connections (the issue's case of
		# SQLite readers waiting their turn).
		c=$CONNS script=()
		if [ "$t" = search ]; then c=${SEARCH_CONNS:-16} script=(-s bench/http/search.lua); fi
		# list-write: one connection alternating a write and the listing,
		# so that every listing request follows a write (listwrite.lua).
		if [ "$t" = list-write ] || [ "$t" = write ]; then c=1 script=(-s bench/http/listwrite.lua); fi
		writes_only=0
		if [ "$t" = write ]; then writes_only=1; fi
		# The server's CPU time over the target (user + system, in clock
		# ticks) gives its CPU per request, which other jobs on a shared
		# machine disturb far less than its req/s.
		spid=$server_pid
		case $t in *-noevents) spid=$noev_pid ;; nginx-*) spid="" ;; esac
		t0=$(cputicks "$spid")
		ASSET=$ASSET WRITES_ONLY=$writes_only taskset -c 1 wrk -t1 -c"$c" -d"${SECONDS_EACH}s" --latency "${script[@]}" -H "Authorization: Bearer $KEY" "$(url "$t")" >"$work/$t.$r"
		if [ -n "$spid" ]; then echo $(($(cputicks "$spid") - t0)); else echo -; fi >"$work/$t.$r.cpu"
		if [ -n "$prof" ]; then
			wait "$prof"
			curl -s -o "bench/http/block-$t.pprof" "http://$debug/debug/pprof/block"
			echo "profiles: bench/http/cpu-$t.pprof bench/http/block-$t.pprof" >&2
		fi
		if grep -q 'Non-2xx' "$work/$t.$r"; then echo "$t: $(grep Non-2xx "$work/$t.$r")" >&2; fi
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# rps FILE and p99 FILE (in ms) read wrk's output.
rps() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$1"; }
p99() {
	awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000; printf "%.1f", v }' "$1"
}
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
declare -A med
# cpuus FILE: the server's CPU µs per request of one round.
cpuus() { awk -v t="$(cat "$1.cpu")" -v hz="$hz" '/requests in/ { if (t == "-") printf "-"; else if ($1 > 0) printf "%.0f", t * 1e6 / hz / $1 }' "$1"; }
declare -A cmed
printf '| target | req/s (median) | rounds | p99 ms (median) | server CPU µs/req (median) |\n|---|---|---|---|---|\n'
for t in "${targets[@]}"; do
	all=$(for r in $(seq "$ROUNDS"); do rps "$work/$t.$r"; echo; done)
	m=$(echo "$all" | median)
	med[$t]=$m
	p=$(for r in $(seq "$ROUNDS"); do p99 "$work/$t.$r"; echo; done | median)
	cu=$(for r in $(seq "$ROUNDS"); do cpuus "$work/$t.$r"; echo; done | median)
	cmed[$t]=$cu
	printf '| %s | %s | %s | %s | %s |\n' "$t" "$m" "$(echo "$all" | paste -sd/ | sed 's|/| / |g')" "$p" "$cu"
done
for pair in preview:nginx-web download-web:nginx-web download:nginx-orig download:download-noevents download-web:download-web-noevents; do
	a=${pair%%:*} b=${pair##*:}
	if [ -n "${med[$a]:-}" ] && [ -n "${med[$b]:-}" ]; then
		echo "$a / $b = $(awk -v a="${med[$a]}" -v b="${med[$b]}" 'BEGIN { printf "%.2f", a / b }')"
		case $b in *-noevents)
			echo "  CPU a request, $b / $a = $(awk -v a="${cmed[$a]}" -v b="${cmed[$b]}" 'BEGIN { if (a > 0) printf "%.2f", b / a }')" ;;
		esac
	fi
done
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$server_pid/status)"
kind=sqlite; [ -n "$STORE" ] && kind=postgres
echo "bodies: original $ORIG_BYTES B, web rendition $WEB_BYTES B; store: $kind; $(nproc) cores; $(go version | cut -d' ' -f3)"
