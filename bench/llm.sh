#!/usr/bin/env bash
# bench/llm.sh - the LLM part of `make bench`: billable scan --analyzer llm against the local
# fake server (Tests/LLM/fake_llm_server.py) with 2 s of latency per request.
#   1. 50 messages at the default concurrency of 10 (target: under 12 s),
#   2. the same again with a warm cache (target: zero requests, under 1 s),
#   3. 500 messages under a 300 requests-per-minute limit (the limit holds, nothing lost).
# Settings: BILLABLE (required), BENCH_DIR (default /tmp/billable-bench), LLM_SKIP_500=1.
set -euo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BILLABLE=${BILLABLE:?set BILLABLE to the release binary}
BENCH_DIR=${BENCH_DIR:-/tmp/billable-bench}
WORK="$BENCH_DIR/llm"
rm -rf "$WORK"; mkdir -p "$WORK"
source_mbox=$(ls "$BENCH_DIR"/text-s1-100mb-*.mbox 2>/dev/null | head -1)
[ -n "$source_mbox" ] || { echo "llm.sh: run bench/run.sh first (it makes the corpora)" >&2; exit 1; }

# The first N messages of the text corpus.
take() {
  python3 - "$source_mbox" "$1" "$2" <<'PY'
import sys
source, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
n = 0
with open(source, "rb") as f, open(out, "wb") as o:
    for line in f:
        if line.startswith(b"From ") and b"@" in line.split(b" ")[1]:
            n += 1
            if n > count:
                break
        o.write(line)
PY
}
take 50 "$WORK/50.mbox"
take 500 "$WORK/500.mbox"

python3 "$REPO/Tests/LLM/fake_llm_server.py" --latency 2 > "$WORK/port" &
server=$!
trap 'kill $server 2>/dev/null' EXIT
while [ ! -s "$WORK/port" ]; do sleep 0.1; done
port=$(head -1 "$WORK/port")

config() {  # config RPM -> path
  local path="$WORK/billable-$1.toml"
  cp "$HERE/billable.toml" "$path"
  printf '\n[llm]\nbase_url = "http://127.0.0.1:%s/v1"\nmodel = "fake-model"\nrequests_per_minute = %s\ntimeout_seconds = 30\n' "$port" "$1" >> "$path"
  echo "$path"
}
requests() { curl -s "http://127.0.0.1:$port/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }

run() {  # run LABEL CONFIG MBOX DB
  local before after start end
  before=$(requests)
  start=$EPOCHREALTIME
  OPENAI_API_KEY=sk-bench "$BILLABLE" scan --quiet --analyzer llm --config "$2" --db "$WORK/$4" --out "$WORK/reports-$4" "$3"
  end=$EPOCHREALTIME
  after=$(requests)
  local llm
  llm=$(python3 -c "import json;r=json.load(open('$WORK/reports-$4/run.json'));l=r.get('llm',{});print(r['this_run']['messages_read'], l.get('fallbacks',0), r['store']['entries'])")
  read -r messages fallbacks entries <<< "$llm"
  printf '%-28s %8.2f s  %4d messages  %4d requests  %3d fallbacks  %4d entries\n' "$1" \
    "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$messages" "$((after - before))" "$fallbacks" "$entries"
}

echo "LLM analyzer against a local server with 2 s latency per request (concurrency 10):"
run "50 messages, cold" "$(config 3500)" "$WORK/50.mbox" 50.sqlite
run "50 messages, warm re-scan" "$(config 3500)" "$WORK/50.mbox" 50.sqlite
if [ "${LLM_SKIP_500:-0}" != 1 ]; then
  run "500 messages at 300 rpm" "$(config 300)" "$WORK/500.mbox" 500.sqlite
  curl -s "http://127.0.0.1:$port/stats" | python3 -c '
import json, sys
times = sorted(json.load(sys.stdin)["times"])
worst = max(sum(1 for t in times if s <= t < s + 60) for s in times)
print(f"most requests in any 60 s window: {worst} (limit 300)")'
fi
