#!/usr/bin/env bash
# A share guest's background archive end to end through the HTTP server:
# 20 sparse files of 1 GB (truncate) in a file:// library, built in 3 ZIP
# parts by the job worker, fetched by the guest; time of each phase and the
# peak RSS. Needs about 21 GB free on the temp disk (the parts are written
# out; the uploads share one 1 GB blob). Usage: bench/guestjob/run.sh [files] [size-bytes] [parts]
set -euo pipefail
cd "$(dirname "$0")/../.."
go build -o /tmp/damkit-guestjob-bench ./bench/guestjob
/usr/bin/time -v /tmp/damkit-guestjob-bench -files "${1:-20}" -size "${2:-1000000000}" -parts "${3:-3}" 2>&1 |
  grep -Ev '^\s+(Average|Exit|Socket|Signals|Swaps|Page size|Command|Percent|Major|Minor|Voluntary|Involuntary|File system)'
