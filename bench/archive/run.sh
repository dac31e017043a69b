#!/usr/bin/env bash
# Side-by-side figures for the archive package: our Stored ZIP stream of
# files on disk vs a plain `cat` of the same files, peak RSS while streaming
# a 10 GB archive of sparse files, and the Go benchmarks (deflate vs
# compress/flate). Usage: bench/archive/run.sh [rounds]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-5}
WORK=$(mktemp -d /tmp/damkit-archive-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

go build -o "$WORK/zipstream" ./bench/archive/zipstream
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), go $(go env GOVERSION)"

# Fixtures, generated here: 8 x 256 MiB files, 10,000 x 100 kB files, 10 x 1 GB sparse files.
mkdir -p "$WORK/large" "$WORK/small" "$WORK/sparse"
head -c $((256 << 20)) /dev/urandom > "$WORK/large/f0.bin"
for i in 1 2 3 4 5 6 7; do cp "$WORK/large/f0.bin" "$WORK/large/f$i.bin"; done
python3 - "$WORK/small" <<'PY'
import os, sys
d = sys.argv[1]
block = os.urandom(100_000)
for i in range(10_000):
    sub = os.path.join(d, f"d{i // 1000}")
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, f"f{i:05d}.bin"), "wb") as f:
        f.write(block[i % 97:] + block[:i % 97])
PY
for i in $(seq 0 9); do truncate -s 1000000000 "$WORK/sparse/f$i.bin"; done
for set in large small; do "$WORK/zipstream" -build -dir "$WORK/$set" -index "$WORK/$set.json"; done
"$WORK/zipstream" -build -sparse -dir "$WORK/sparse" -index "$WORK/sparse.json"

now() { date +%s.%N; }
# A stricter plain read than cat: one process, one reused 1 MiB buffer
# (cat allocates and unmaps a buffer per file, which is slow on some VMs).
cat > "$WORK/plainread.py" <<'PY'
import sys
buf = bytearray(1 << 20)
for path in open(sys.argv[1], "rb").read().split(b"\0"):
    if path:
        with open(path, "rb", buffering=0) as f:
            while f.readinto(buf):
                pass
PY
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for set in large small; do
  find "$WORK/$set" -type f -print0 | sort -z > "$WORK/$set.list"
  xargs -0 cat < "$WORK/$set.list" > /dev/null   # warm the page cache for both
  bytes=$(du -sb --apparent-size "$WORK/$set" | cut -f1)
  : > "$WORK/$set.cat"; : > "$WORK/$set.zip"; : > "$WORK/$set.py"
  for r in $(seq "$ROUNDS"); do
    t0=$(now); xargs -0 cat < "$WORK/$set.list" > /dev/null; t1=$(now)
    "$WORK/zipstream" -dir "$WORK/$set" -index "$WORK/$set.json" > /dev/null; t2=$(now)
    python3 "$WORK/plainread.py" "$WORK/$set.list"; t3=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f\n", b-a}' >> "$WORK/$set.cat"
    awk -v a="$t1" -v b="$t2" 'BEGIN {printf "%.4f\n", b-a}' >> "$WORK/$set.zip"
    awk -v a="$t2" -v b="$t3" 'BEGIN {printf "%.4f\n", b-a}' >> "$WORK/$set.py"
  done
  cat_s=$(median < "$WORK/$set.cat"); zip_s=$(median < "$WORK/$set.zip"); py_s=$(median < "$WORK/$set.py")
  awk -v set="$set" -v b="$bytes" -v c="$cat_s" -v z="$zip_s" -v p="$py_s" \
    -v cs="$(paste -sd' ' "$WORK/$set.cat")" -v zs="$(paste -sd' ' "$WORK/$set.zip")" -v ps="$(paste -sd' ' "$WORK/$set.py")" 'BEGIN {
    printf "%-6s %.2f GB  medians: cat %.3fs (%.0f MB/s)  one-buffer read %.3fs (%.0f MB/s)  zip %.3fs (%.0f MB/s)\n", set, b/1e9, c, b/c/1e6, p, b/p/1e6, z, b/z/1e6
    printf "       speed ratio zip/cat %.2f   zip/one-buffer read %.2f\n", c/z, p/z
    printf "       cat runs: %s\n       read runs: %s\n       zip runs: %s\n", cs, ps, zs }'
done

/usr/bin/time -v "$WORK/zipstream" -dir "$WORK/sparse" -index "$WORK/sparse.json" 2> "$WORK/rss.txt" > /dev/null
echo "sparse 10 GB archive: peak RSS $(awk -F: '/Maximum resident/ {print $2/1024}' "$WORK/rss.txt" | xargs) MiB, wall $(awk '/Elapsed/ {print $NF}' "$WORK/rss.txt")"

go test -run '^$' -bench 'DeflateText|StreamStored|Layout' -benchtime 5x -count 3 ./archive/
