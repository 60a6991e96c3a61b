#!/usr/bin/env bash
# bench/run.sh - the `make bench` driver for billable's MIME parser benchmark.
#
# Compares `billable parse --count` with GMime 3 (bench/gmime_bench.c) and
# Python's email package (bench/python_bench.py) on generated mbox corpora,
# next to `cat FILE > /dev/null` as the I/O floor.
#
# Settings, as environment variables or as VAR=value arguments:
#   BILLABLE=path        release binary (swift build -c release).  If unset,
#                        billable rows are skipped with a warning, so the rest
#                        of the tooling can be used before the binary exists.
#   BENCH_DIR=dir        corpora, gmime_bench and scratch files
#                        (default /tmp/billable-bench; keep it out of the repo)
#   BENCH_SIZE_MB=n      size of the standard corpora in MiB (default 100)
#   BENCH_BIG=1          also run a BENCH_BIG_MB (default 1000) MiB text corpus,
#                        mainly for peak memory; Python is not run on it
#   BENCH_SKIP_PYTHON=1  skip the (slow) Python rows
#   BENCH_SEED=n         generator seed (default 1)
#   BENCH_REPEAT=n       runs per fast tool, best time kept (default 3); Python runs once
#
# Output: a table on stdout, plus bench/runs/<date>-<host>/results.csv and a
# README.md there with machine notes.  All timings are with a warm page cache
# (the cat row reads each corpus first): wall seconds from bash's
# EPOCHREALTIME, peak RSS from /usr/bin/time.  1 MB = 1 MiB = 1,048,576 bytes.

set -euo pipefail
# C locale: EPOCHREALTIME and awk must use '.' as the decimal separator.
export LC_ALL=C
[ -n "${EPOCHREALTIME:-}" ] || { echo "run.sh: needs bash 5 or newer (EPOCHREALTIME)" >&2; exit 1; }

for arg in "$@"; do
	case "$arg" in
	*=*) export "${arg?}" ;;
	-h|--help) sed -n '2,23p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument '$arg' (expected VAR=value)" >&2; exit 2 ;;
	esac
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
BILLABLE=${BILLABLE:-}
BENCH_DIR=${BENCH_DIR:-/tmp/billable-bench}
BENCH_SIZE_MB=${BENCH_SIZE_MB:-100}
BENCH_BIG=${BENCH_BIG:-0}
BENCH_BIG_MB=${BENCH_BIG_MB:-1000}
BENCH_SKIP_PYTHON=${BENCH_SKIP_PYTHON:-0}
BENCH_SEED=${BENCH_SEED:-1}
BENCH_REPEAT=${BENCH_REPEAT:-3}
PYTHON=${PYTHON:-python3}

log() { printf '%s\n' "$*" >&2; }
die() { log "run.sh: $*"; exit 1; }

# ---------------------------------------------------------------- dependencies
# A fresh machine may lack GMime's headers or GNU time; install them when we
# can (root + apt), since the project's own files must set up what they need.
apt_updated=0
apt_install() {
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		if [ "$apt_updated" = 0 ]; then
			apt-get update -qq >&2 || true
			apt_updated=1
		fi
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
	else
		die "missing dependency; please install: $*"
	fi
}
[ -x /usr/bin/time ] || apt_install time
command -v pkg-config >/dev/null || apt_install pkg-config
pkg-config --exists gmime-3.0 || apt_install libgmime-3.0-dev
command -v cc >/dev/null || apt_install gcc
command -v "$PYTHON" >/dev/null || die "$PYTHON not found"

if [ -n "$BILLABLE" ]; then
	[ -x "$BILLABLE" ] || die "BILLABLE=$BILLABLE is not an executable file"
	BILLABLE=$(cd "$(dirname "$BILLABLE")" && pwd)/$(basename "$BILLABLE")
else
	log "run.sh: WARNING: BILLABLE is not set; billable rows are skipped."
	log "        Build it with 'swift build -c release' and pass BILLABLE=.build/release/billable"
fi

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
case "$BENCH_DIR/" in
"$REPO"/*) die "BENCH_DIR must be outside the repository (generated data is large)" ;;
esac

# -------------------------------------------------------------------- corpora
# Cache key: kind + seed + size + a hash of the generator, so editing the
# generator regenerates instead of silently benchmarking stale data.
GEN="$HERE/generate_mbox.py"
GEN_HASH=$(sha256sum "$GEN" | cut -c1-10)

# corpus KIND SIZE_MB -> prints the path; generates it on first use.
corpus() {
	local kind=$1 size=$2 stem path
	stem="$kind-s$BENCH_SEED-${size}mb"
	path="$BENCH_DIR/$stem-g$GEN_HASH.mbox"
	if [ ! -s "$path" ] || [ ! -s "$path.count" ]; then
		# Drop corpora from older generator versions: they can be 1 GB each.
		rm -f "$BENCH_DIR/$stem"-g*.mbox "$BENCH_DIR/$stem"-g*.mbox.count "$BENCH_DIR/$stem"-g*.mbox.gen
		log "generating $kind corpus, $size MiB, seed $BENCH_SEED -> $path"
		# Write to a temporary name so an interrupted run never leaves a
		# truncated file that looks cached.
		/usr/bin/time -f 'generator: %e s, peak RSS %M KB' \
			"$PYTHON" "$GEN" --kind "$kind" --size-mb "$size" --seed "$BENCH_SEED" -o "$path.tmp" \
			2> "$path.gen" || { cat "$path.gen" >&2; die "generator failed"; }
		cat "$path.gen" >&2
		grep -o 'messages=[0-9]*' "$path.gen" | tail -1 | cut -d= -f2 > "$path.count"
		mv "$path.tmp" "$path"
	fi
	printf '%s\n' "$path"
}

# ----------------------------------------------------------------- gmime_bench
GMIME_BENCH="$BENCH_DIR/gmime_bench"
if [ ! -x "$GMIME_BENCH" ] || [ "$HERE/gmime_bench.c" -nt "$GMIME_BENCH" ]; then
	log "building $GMIME_BENCH"
	# shellcheck disable=SC2046  # pkg-config output must word-split
	cc -O2 "$HERE/gmime_bench.c" $(pkg-config --cflags --libs gmime-3.0) -o "$GMIME_BENCH"
fi

# ------------------------------------------------------------------ measuring
RUN_DIR="$HERE/runs/$(date +%F)-$(hostname)"
mkdir -p "$RUN_DIR"
CSV="$RUN_DIR/results.csv"
echo "tool,corpus,file,file_mb,messages,expected_messages,seconds,mb_per_s,msg_per_s,peak_rss_mb,text_bytes,runs,status" > "$CSV"
SCRATCH=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
mismatches=0
failures=0

# measure TOOL CORPUS FILE EXPECTED REPEATS CMD... - time CMD, keep the best
# wall time (and the largest peak RSS seen), append one CSV row.
measure() {
	local tool=$1 corpus=$2 file=$3 expected=$4 reps=$5
	shift 5
	local i secs rss best="" peak=0 out="" status=ok sink="$SCRATCH/out"
	# cat's output is the file itself: it must go to /dev/null, not be kept.
	if [ "$tool" = cat ]; then sink=/dev/null; fi
	: > "$SCRATCH/out"
	for ((i = 1; i <= reps; i++)); do
		# Wall time from bash's microsecond clock (time's %e has 10 ms steps,
		# too coarse for cat and fast parsers); peak RSS from /usr/bin/time.
		local t0=$EPOCHREALTIME
		if ! /usr/bin/time -f '%M' -o "$SCRATCH/time" "$@" > "$sink" 2> "$SCRATCH/err"; then
			status=failed
			failures=$((failures + 1))
			log "run.sh: $tool failed on $(basename "$file"):"
			tail -5 "$SCRATCH/err" >&2
			break
		fi
		secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
		rss=$(tail -1 "$SCRATCH/time")
		if [ "$rss" -gt "$peak" ]; then peak=$rss; fi
		if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$secs
			out=$(cat "$SCRATCH/out")
		fi
	done
	[ -n "$best" ] || best=0

	# Tools print key=value summaries; billable's exact format is its own, so
	# fall back to the first number in its output for the message count.
	local messages text_bytes
	messages=$(grep -o 'messages=[0-9]*' <<< "$out" | head -1 | cut -d= -f2 || true)
	[ -n "$messages" ] || [ "$tool" = cat ] || messages=$(grep -o '[0-9][0-9]*' <<< "$out" | head -1 || true)
	text_bytes=$(grep -o 'text_bytes=[0-9]*' <<< "$out" | head -1 | cut -d= -f2 || true)
	if [ "$status" = ok ] && [ "$tool" != cat ] && [ "$messages" != "$expected" ]; then
		status=count-mismatch
		mismatches=$((mismatches + 1))
		log "run.sh: WARNING: $tool counted ${messages:-?} messages in $(basename "$file"), generator wrote $expected"
	fi

	local bytes
	bytes=$(stat -c %s "$file")
	awk -v tool="$tool" -v corpus="$corpus" -v file="$(basename "$file")" -v bytes="$bytes" \
		-v msgs="$messages" -v expct="$expected" -v s="$best" -v rss="$peak" -v tb="$text_bytes" \
		-v runs="$reps" -v st="$status" 'BEGIN {
		mb = bytes / 1048576
		mbps = (s > 0) ? sprintf("%.1f", mb / s) : ""
		msgps = (s > 0 && msgs != "") ? sprintf("%.0f", msgs / s) : ""
		printf "%s,%s,%s,%.1f,%s,%s,%.3f,%s,%s,%.1f,%s,%s,%s\n", tool, corpus, file, mb, msgs, expct, s, mbps, msgps, rss / 1024, tb, runs, st
	}' >> "$CSV"
	log "  $tool: ${best}s, peak RSS $((peak / 1024)) MB, messages=${messages:-n/a} [$status]"
}

# bench_corpus LABEL FILE WITH_PYTHON
bench_corpus() {
	local label=$1 file=$2 with_python=$3 expected
	expected=$(cat "$file.count")
	log "== $label: $(basename "$file") ($expected messages)"
	measure cat "$label" "$file" "$expected" "$BENCH_REPEAT" cat "$file"
	if [ -n "$BILLABLE" ]; then
		measure billable "$label" "$file" "$expected" "$BENCH_REPEAT" "$BILLABLE" parse --count "$file"
	fi
	measure gmime "$label" "$file" "$expected" "$BENCH_REPEAT" "$GMIME_BENCH" "$file"
	# mmap variant: a little faster, but its RSS includes the mapped file.
	measure gmime-mmap "$label" "$file" "$expected" "$BENCH_REPEAT" "$GMIME_BENCH" --mmap "$file"
	if [ "$with_python" = 1 ] && [ "$BENCH_SKIP_PYTHON" != 1 ]; then
		measure python "$label" "$file" "$expected" 1 "$PYTHON" "$HERE/python_bench.py" "$file"
	fi
}

TEXT=$(corpus text "$BENCH_SIZE_MB")
ATTACH=$(corpus attachments "$BENCH_SIZE_MB")
BIG=""
if [ "$BENCH_BIG" = 1 ]; then BIG=$(corpus text "$BENCH_BIG_MB"); fi

bench_corpus text "$TEXT" 1
bench_corpus attachments "$ATTACH" 1
if [ -n "$BIG" ]; then bench_corpus text-big "$BIG" 0; fi

# --------------------------------------------------------------------- report
# Machine notes go to the report script through the environment, so the
# Python below can sit in a quoted here-document (no shell expansion in it).
NOTE_DATE=$(date '+%F %H:%M %Z')
NOTE_HOST=$(hostname)
NOTE_NPROC=$(nproc)
NOTE_CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)
NOTE_MEM=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
# shellcheck disable=SC1091  # os-release exists only at run time
NOTE_OS="$( (. /etc/os-release && echo "$PRETTY_NAME") 2>/dev/null || uname -s) (kernel $(uname -r))"
if command -v swift >/dev/null; then
	NOTE_SWIFT=$(swift --version 2>&1 | grep -m1 -i 'swift' || true)
else
	NOTE_SWIFT="not installed"
fi
NOTE_GMIME=$(pkg-config --modversion gmime-3.0)
NOTE_PYTHON=$("$PYTHON" --version 2>&1)
NOTE_CC=$(cc --version | head -1)
NOTE_GIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo "no commits")
if [ -n "$(git -C "$REPO" status --porcelain 2>/dev/null)" ]; then
	NOTE_GIT="$NOTE_GIT (uncommitted changes)"
fi
export NOTE_DATE NOTE_HOST NOTE_NPROC NOTE_CPU NOTE_MEM NOTE_OS NOTE_SWIFT NOTE_GMIME NOTE_PYTHON NOTE_CC NOTE_GIT
export BILLABLE BENCH_DIR BENCH_SEED BENCH_REPEAT GEN_HASH

"$PYTHON" - "$CSV" "$RUN_DIR/README.md" <<'EOF'
import csv
import os
import sys

rows = list(csv.DictReader(open(sys.argv[1])))
cols = ["tool", "corpus", "file_mb", "messages", "seconds", "mb_per_s", "msg_per_s", "peak_rss_mb", "status"]
heads = ["tool", "corpus", "MB", "messages", "seconds", "MB/s", "msg/s", "peak RSS MB", "status"]


def ratios():
    """billable against GMime (file stream) and Python, per corpus."""
    out = []
    by = {(r["corpus"], r["tool"]): r for r in rows if r["status"] in ("ok", "count-mismatch")}
    for corpus in dict.fromkeys(r["corpus"] for r in rows):
        b = by.get((corpus, "billable"))
        for other in ("gmime", "python"):
            o = by.get((corpus, other))
            if not b or not o or float(b["seconds"]) <= 0 or float(o["seconds"]) <= 0:
                continue
            speed = float(o["seconds"]) / float(b["seconds"])
            mem = float(b["peak_rss_mb"]) / float(o["peak_rss_mb"])
            out.append("billable/%s on %s: %.2fx the throughput, %.2fx the peak RSS" % (other, corpus, speed, mem))
    return out or ["(no ratios: billable was not run)"]


def text_checks():
    """Decoded body bytes per tool: a cheap cross-check that all parsers extracted the same text.

    GMime keeps the mbox's final blank line in the last message's body and
    Python drops it, so those two differ by 1 byte on every corpus.
    """
    out = []
    for corpus in dict.fromkeys(r["corpus"] for r in rows):
        got = ["%s %s" % (r["tool"], r["text_bytes"]) for r in rows
               if r["corpus"] == corpus and r["text_bytes"] and r["tool"] != "gmime-mmap"]
        if got:
            out.append("text_bytes on %s: %s" % (corpus, ", ".join(got)))
    return out


table = [heads] + [[r[c] for c in cols] for r in rows]
widths = [max(len(row[i]) for row in table) for i in range(len(heads))]
# Numbers right-aligned, names left-aligned.
text = "\n".join("  ".join(v.rjust(w) if 2 <= i <= 7 else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths))).rstrip()
                 for row in table)
summary = text + "\n\n" + "\n".join(ratios()) + "\n" + "\n".join(text_checks())
print()
print(summary)

e = os.environ
md = f"""# Parser benchmark run {e["NOTE_DATE"]}

## Machine

- host: {e["NOTE_HOST"]}
- nproc: {e["NOTE_NPROC"]}
- CPU: {e["NOTE_CPU"] or "unknown"}
- memory: {e["NOTE_MEM"]}
- OS: {e["NOTE_OS"]}
- swift: {e["NOTE_SWIFT"]}
- GMime: {e["NOTE_GMIME"]}
- Python: {e["NOTE_PYTHON"]}
- C compiler: {e["NOTE_CC"]}
- billable: {e["BILLABLE"] or "not run (BILLABLE unset)"}; repository at {e["NOTE_GIT"]}

## Method

- Corpora from bench/generate_mbox.py (seed {e["BENCH_SEED"]}, generator hash {e["GEN_HASH"]}), kept in {e["BENCH_DIR"]}.
- Warm page cache (the cat row reads each file first).  Wall time from bash's
  EPOCHREALTIME, peak RSS from /usr/bin/time; best of {e["BENCH_REPEAT"]} runs, Python one run.  MB = MiB.
- gmime reads through GMimeStreamFs; gmime-mmap through GMimeStreamMmap, whose peak RSS
  includes the mapped file pages.
- Every parser extracts Message-ID, Date, From/To/Cc, Subject and the text/plain
  (else text/html) body decoded to UTF-8.

## Results

```
{summary}
```

Raw numbers: results.csv
"""
with open(sys.argv[2], "w") as f:
    f.write(md)
EOF

log ""
log "results: $CSV"
log "notes:   $RUN_DIR/README.md"
# Fail `make bench` on a crashed tool or disagreeing message counts, after
# the report is written so the numbers can still be inspected.
if [ "$failures" -gt 0 ] || [ "$mismatches" -gt 0 ]; then
	log "run.sh: $failures failed run(s), $mismatches message-count mismatch(es); see the status column"
	exit 1
fi
