#!/usr/bin/env bash
# Ingest throughput vs plain copies (one interleaved run), then the peak RSS
# of an ingest alone. Usage: bench/ingest/run.sh [size-bytes] [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-1073741824}
rounds=${2:-5}
go build -o /tmp/damkit-ingest-bench ./bench/ingest
/tmp/damkit-ingest-bench -size "$size" -rounds "$rounds"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/time -v /tmp/damkit-ingest-bench -size "$size" -only ingest -dir "$work" 2>&1 | grep -E 'Maximum resident|Elapsed'
