#!/usr/bin/env python3
"""Differential conformance of `billable parse --json` against Python's email package.

Runs ../shared/tools/mime_oracle.py and billable over the same corpus, pairs the messages by
source (path, and index inside an mbox), and compares message_id, date, from, to, cc, subject
and the normalised body text. Prints the agreement per field and fails when a header field is
below 99 %, the text below 97 %, or a disagreement is not triaged in triage.tsv (which says,
for each known case, who is right and why).

Usage: conformance.py BILLABLE CORPORA_DIR ORACLE [--show N] [--field F]
"""

import json
import os
import subprocess
import sys

HEADER_FIELDS = ["message_id", "date", "from", "to", "cc", "subject"]
FIELDS = HEADER_FIELDS + ["text"]
HERE = os.path.dirname(os.path.abspath(__file__))


def key(rec, root):
    src = rec["source"]
    path = os.path.relpath(src["path"], root)
    return path if src.get("index") is None or src.get("format") != "mbox" else f"{path}#{src['index']}"


def run_jsonl(cmd):
    out = subprocess.run(cmd, capture_output=True, check=False)
    if out.returncode not in (0, 3):
        sys.stderr.write(out.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"conformance: {' '.join(cmd[:2])} exited {out.returncode}")
    records = []
    for line in out.stdout.decode("utf-8").splitlines():
        if line.strip():
            records.append(json.loads(line))
    return records


def norm_addresses(values):
    return [(" ".join((a.get("name") or "").split()), (a.get("address") or "").lower()) for a in values or []]


def comparable(rec, field):
    value = rec.get(field)
    if field in ("from", "to", "cc"):
        return norm_addresses(value)
    if field == "message_id":
        return " ".join(value.split()) if value else None
    if field == "subject":
        return " ".join(value.split()) if value is not None else None
    if field == "text":
        # Line breaks are layout, not content: format=flowed (which Python does not undo) and
        # HTML block spacing move them around without changing a word.
        return " ".join((value or "").split())
    return value


def load_triage():
    triaged = {}
    path = os.path.join(HERE, "triage.tsv")
    if not os.path.exists(path):
        return triaged
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 4:
                triaged[(parts[0], parts[1])] = (parts[2], parts[3])
    return triaged


def main(argv):
    if len(argv) < 4:
        print(__doc__)
        return 2
    billable, root, oracle = argv[1], os.path.abspath(argv[2]), argv[3]
    show = int(argv[argv.index("--show") + 1]) if "--show" in argv else 0
    only = argv[argv.index("--field") + 1] if "--field" in argv else None
    ours = {key(r, root): r for r in run_jsonl([billable, "parse", "--json", root])}
    theirs = {key(r, root): r for r in run_jsonl([sys.executable, oracle, root])}
    theirs = {k: v for k, v in theirs.items() if "error" not in v}
    triage = load_triage()
    common = sorted(set(ours) & set(theirs))
    only_oracle = sorted(set(theirs) - set(ours))
    only_ours = sorted(set(ours) - set(theirs))
    total = len(theirs)
    agree = {f: 0 for f in FIELDS}  # billable equals Python
    judged = {f: 0 for f in FIELDS}  # or Python is wrong (triaged python-wrong / sender-bug)
    untriaged = []
    shown = 0
    for k in common:
        for f in FIELDS:
            a, b = comparable(ours[k], f), comparable(theirs[k], f)
            if a == b:
                agree[f] += 1
                judged[f] += 1
                continue
            verdict = (triage.get((k, f)) or triage.get((k, "*")) or ("", ""))[0]
            if verdict in ("python-wrong", "sender-bug"):
                judged[f] += 1
            if (k, f) not in triage and (k, "*") not in triage:
                untriaged.append((k, f))
                if (only is None or only == f) and shown < show:
                    shown += 1
                    print(f"--- {k} [{f}]\n  billable: {json.dumps(a, ensure_ascii=False)[:600]}\n  python:   {json.dumps(b, ensure_ascii=False)[:600]}")
    for k in only_oracle:
        if (k, "*") not in triage:
            untriaged.append((k, "missing"))
    print(f"conformance: {total} messages from the oracle, {len(ours)} from billable, {len(common)} paired")
    if only_oracle:
        print(f"  only the oracle read: {', '.join(only_oracle[:10])}{' …' if len(only_oracle) > 10 else ''}")
    if only_ours:
        print(f"  only billable read: {', '.join(only_ours[:10])}{' …' if len(only_ours) > 10 else ''}")
    failed = False
    print("  field        equal to Python     equal, or Python wrong (triaged)")
    bad = 0
    for f in FIELDS:
        raw = 100.0 * agree[f] / total if total else 100.0
        pct = 100.0 * judged[f] / total if total else 100.0
        need = 97.0 if f == "text" else 99.0
        mark = "ok" if pct >= need else "BELOW TARGET"
        if pct < need:
            failed = True
            bad += 1
        print(f"  {f:<11} {agree[f]:>5}/{total} {raw:6.2f}%   {judged[f]:>5}/{total} {pct:6.2f}%  (target {need:.0f}%) {mark}")
    triaged_used = sum(1 for k in triage if k[0] in ours or k[0] in theirs)
    print(f"  triaged disagreements: {triaged_used} (see Tests/Conformance/triage.tsv)")
    if untriaged:
        print(f"  untriaged disagreements: {len(untriaged)}")
        for k, f in untriaged[:40]:
            print(f"    {k}\t{f}")
        failed = True
    checks = len(FIELDS)
    bad += 1 if untriaged else 0
    print(f"conformance: {checks + 1 - bad} passed, {bad} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
