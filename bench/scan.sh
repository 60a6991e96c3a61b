#!/usr/bin/env bash
# bench/scan.sh - the scan part of `make bench`: cold scan, warm re-scan and peak RSS of
# `billable scan` on the generated text corpora (made by bench/run.sh), beside
# `billable parse --count` on the same file, with SQLite entries written per second.
#
# Settings: BILLABLE (required), BENCH_DIR (default /tmp/billable-bench), BENCH_BIG=1 to add
# the 1 GB corpus. Prints a table and appends bench/runs/<date>-<host>/scan.csv.
set -euo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BILLABLE=${BILLABLE:?set BILLABLE to the release binary}
BENCH_DIR=${BENCH_DIR:-/tmp/billable-bench}
RUN_DIR="$HERE/runs/$(date +%F)-$(hostname)"
mkdir -p "$RUN_DIR"
CSV="$RUN_DIR/scan.csv"
echo "mode,corpus,mb,messages,seconds,mb_per_s,msg_per_s,peak_rss_mb,entries,entries_per_s,cache_hits" > "$CSV"

timed() {  # timed OUTFILE CMD... -> prints "seconds rss_kb"
  local out=$1; shift
  local start end
  start=$EPOCHREALTIME
  /usr/bin/time -f '%M' -o "$BENCH_DIR/scan.time" "$@" > "$out" 2>&1
  end=$EPOCHREALTIME
  echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') $(cat "$BENCH_DIR/scan.time")"
}

files=("$(ls "$BENCH_DIR"/text-s1-100mb-*.mbox | head -1)")
if [ "${BENCH_BIG:-0}" = 1 ]; then files+=("$(ls "$BENCH_DIR"/text-s1-1000mb-*.mbox | head -1)"); fi
printf '%-8s %-6s %8s %9s %8s %7s %7s %9s %8s %10s\n' mode corpus MB messages seconds MB/s msg/s "RSS MB" entries entries/s
for file in "${files[@]}"; do
  [ -f "$file" ] || { echo "scan.sh: $file missing; run bench/run.sh first" >&2; exit 1; }
  mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1048576 }')
  corpus=$( [[ $file == *1000mb* ]] && echo 1GB || echo 100MB )
  work="$BENCH_DIR/scan-$corpus"
  rm -rf "$work"; mkdir -p "$work"
  read -r parse_s parse_kb < <(timed "$work/parse.out" "$BILLABLE" parse --count "$file")
  for mode in cold warm; do
    read -r s kb < <(timed "$work/$mode.out" "$BILLABLE" scan --config "$HERE/billable.toml" --db "$work/b.sqlite" \
      --out "$work/reports" "$file")
    run="$work/reports/run.json"
    read -r messages entries hits < <(python3 -c "import json;r=json.load(open('$run'));t=r['this_run'];\
print(t['messages_read'], r['store']['entries'], t['cache_hits'] + t['already_stored'])")
    row=$(awk -v mb="$mb" -v m="$messages" -v s="$s" -v kb="$kb" -v e="$entries" \
      'BEGIN { printf "%.1f,%d,%.3f,%.1f,%.0f,%.1f,%d,%.0f", mb, m, s, mb / s, m / s, kb / 1024, e, e / s }')
    echo "$mode,$corpus,$row,$hits" >> "$CSV"
    IFS=, read -r _ m _ mbs msgs rss e eps <<< "$row"
    printf '%-8s %-6s %8s %9s %8s %7s %7s %9s %8s %10s\n' "$mode" "$corpus" "$mb" "$m" "$s" "$mbs" "$msgs" "$rss" "$e" "$eps"
    if [ "$mode" = cold ]; then cold_s=$s; fi
    if [ "$mode" = warm ]; then warm_s=$s; fi
  done
  printf '%-8s %-6s %8s %9s %8s %7s %7s %9s\n' parse "$corpus" "$mb" "-" "$parse_s" \
    "$(awk -v mb="$mb" -v s="$parse_s" 'BEGIN { printf "%.1f", mb / s }')" "-" "$(awk -v k="$parse_kb" 'BEGIN { printf "%.1f", k / 1024 }')"
  awk -v c="$cold_s" -v w="$warm_s" -v p="$parse_s" -v corpus="$corpus" \
    'BEGIN { printf "%s: warm re-scan %.1fx faster than cold; cold scan at %.2fx the speed of parse alone\n", corpus, c / w, p / c }'
done
echo "results: $CSV"
