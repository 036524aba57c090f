#!/bin/sh
# make bench: a small demo city and a large one, the same requests against both through
# cmd/qqload (interleaved rounds, medians), each figure with its ratio large ÷ small,
# then creates against the raw SQLite loop. The cities are built once into BENCH_DIR and
# reused; delete the directory (or set BENCH_FRESH=1) to build them again.
set -eu
BIN=${BIN:-./qinqing}
LOAD=${LOAD:-./qqload}
DIR=${BENCH_DIR:-.bench}
LARGE=${BENCH_LARGE:-1000000}
mkdir -p "$DIR"
if [ "${BENCH_FRESH:-}" = 1 ]; then rm -f "$DIR"/small.db* "$DIR"/large.db*; fi
[ -f "$DIR/small.db" ] || "$BIN" demo --db "$DIR/small.db" >/dev/null
[ -f "$DIR/large.db" ] || { echo "building a city of $LARGE appeals (minutes)…"; "$BIN" demo --db "$DIR/large.db" --appeals "$LARGE" | head -1; }

pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null || true; done' EXIT INT TERM
serve() { # name port
	"$BIN" serve --db "$DIR/$1.db" --addr "127.0.0.1:$2" >"$DIR/$1.log" 2>&1 &
	pids="$pids $!"
}
serve small 18091
serve large 18092
"$LOAD" -wait -small http://127.0.0.1:18091 -large http://127.0.0.1:18092
echo "rss before: small $(ps -o rss= -p $(echo $pids | cut -d' ' -f1)) KiB, large $(ps -o rss= -p $(echo $pids | cut -d' ' -f2)) KiB"
"$LOAD" -small http://127.0.0.1:18091 -large http://127.0.0.1:18092 -raw-dir "$DIR" ${BENCH_ARGS:-}
echo "rss after: small $(ps -o rss= -p $(echo $pids | cut -d' ' -f1)) KiB, large $(ps -o rss= -p $(echo $pids | cut -d' ' -f2)) KiB"
