#!/usr/bin/env bash
# Bounded libFuzzer run of the parser and mbox reader, seeded with every fixture and with the
# past crashes in Tests/Fuzz/FailCases/. New crashes land in .build-fuzz/artifacts/; each one
# becomes a FailCases file and a regression fixture.
set -euo pipefail
cd "$(dirname "$0")/../.."
SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-600}
# swiftc keeps only the last of several -sanitize= flags, and SwiftPM passes one per
# --sanitize: alone they build an ASan binary with no coverage, which libFuzzer can only feed
# blind mutations. The combined flag, passed last, keeps both.
"$SWIFT" build --product FuzzMIME --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address \
  --scratch-path .build-fuzz -c release
corpus=.build-fuzz/corpus
mkdir -p "$corpus" .build-fuzz/artifacts
find fixtures Tests/Fuzz/FailCases -type f \( -name '*.eml' -o -name '*.mbox' -o -name '*.txt' -o -name '*.msg' \) \
  -size -256k -exec cp -n {} "$corpus/" \; 2>/dev/null || true
export SWIFT_BACKTRACE=enable=no
bin=$(find .build-fuzz -type f -name FuzzMIME -perm -u+x | head -1)
if ! nm "$bin" | grep __sancov_cntrs > /dev/null; then
  echo "fuzz: $bin has no coverage instrumentation; refusing to run blind" >&2
  exit 1
fi
"$bin" "$corpus" Tests/Fuzz/FailCases -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048 -artifact_prefix=.build-fuzz/artifacts/ -print_final_stats=1
