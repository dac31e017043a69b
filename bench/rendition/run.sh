#!/bin/sh
# Side-by-side figures for the rendition package against vipsthumbnail.
# Needs: Go, and vipsthumbnail (apt-get install -y libvips-tools).
set -eu
cd "$(dirname "$0")/../.."
N="${N:-7}"
DIR="${DIR:-${TMPDIR:-/tmp}/rendition-bench}"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3), $(vipsthumbnail --version)"
go build -o "$DIR.bin" ./bench/rendition
"$DIR.bin" gen -dir "$DIR"
"$DIR.bin" compare -n "$N" -dir "$DIR"
