#!/usr/bin/env python3
"""End-to-end tests of `billable scan --analyzer llm` against tests/LLM/fake_llm_server.py on
127.0.0.1, through the real libcurl client. Usage: check_llm.py BILLABLE REPO_ROOT
(prints 'llm: N passed, N failed')."""

import glob
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

KEY = "sk-test-9f8e7d6c5b4a-do-not-leak"
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    if not ok:
        print(f"  FAILED {name}: {str(detail)[:600]}")


class Server:
    def __init__(self, here, *flags):
        self.process = subprocess.Popen([sys.executable, os.path.join(here, "fake_llm_server.py"), *flags],
                                        stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline())

    def stats(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/stats") as r:
            return json.load(r)

    def stop(self):
        self.process.terminate()
        self.process.wait()


def config(work, port, sample, **llm):
    text = open(os.path.join(sample, "billable.toml")).read()
    settings = {"base_url": f"http://127.0.0.1:{port}/v1", "model": "fake-model", "timeout_seconds": 5,
                "max_retries": 3, **llm}
    text += "\n[llm]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items())
    path = os.path.join(work, "billable.toml")
    open(path, "w").write(text)
    return path


def scan(billable, work, cfg, inputs, *extra, db="b.sqlite"):
    env = dict(os.environ, OPENAI_API_KEY=KEY)
    run = subprocess.run([billable, "scan", "--analyzer", "llm", "--config", cfg, "--db", os.path.join(work, db),
                          "--out", os.path.join(work, "reports"), *extra, *inputs], capture_output=True, text=True, env=env)
    return run


def entries(work, db="b.sqlite"):
    con = sqlite3.connect(os.path.join(work, db))
    return con.execute("SELECT basis, minutes, hours, analyzer, narrative, evidence FROM entries").fetchall()


def leaks(work, run):
    text = run.stdout + run.stderr
    for path in glob.glob(os.path.join(work, "**", "*"), recursive=True):
        if os.path.isfile(path):
            text += open(path, "rb").read().decode("utf-8", "replace")
    return KEY in text or "9f8e7d6c5b4a" in text


def main(billable, root):
    here = os.path.dirname(os.path.abspath(__file__))
    sample = os.path.join(root, "fixtures", "sample")
    inputs = [os.path.join(sample, d) for d in ("mbox", "maildir", "eml")]

    # 1. A working server: LLM entries, explicit time validated, the key never written, a warm re-scan sends nothing.
    with tempfile.TemporaryDirectory() as work:
        server = Server(here)
        cfg = config(work, server.port, sample)
        run = scan(billable, work, cfg, inputs)
        check("scan with the llm analyzer succeeds", run.returncode == 0, run.stderr)
        first = server.stats()
        rows = entries(work)
        check("entries come from the model", any(r[3].startswith("llm:fake-model@") for r in rows), rows[:3])
        check("explicit 2.5 hours survives validation", any(r[0] == "explicit" and r[1] == 150 for r in rows), rows)
        check("every request carried a bearer key", first["bearer"])
        check("automated mail is not sent to the model", first["requests"] < 20, first["requests"])
        manifest = json.load(open(os.path.join(work, "reports", "run.json")))
        check("run.json counts requests and tokens", manifest["llm"]["requests"] == first["requests"]
              and manifest["llm"]["prompt_tokens"] > 0, manifest.get("llm"))
        rerun = scan(billable, work, cfg, inputs)
        check("a re-scan sends zero requests", rerun.returncode == 0 and server.stats()["requests"] == first["requests"],
              server.stats()["requests"])
        shutil.rmtree(os.path.join(work, "reports"))
        fresh = scan(billable, work, cfg, inputs, "--cache-dir", os.path.join(work, "b.sqlite.cache"), db="other.sqlite")
        check("a new store is served from the cache", fresh.returncode == 0 and server.stats()["requests"] == first["requests"])
        check("the API key appears nowhere", not leaks(work, run) and not leaks(work, rerun))
        stats = subprocess.run([billable, "cache", "stats", "--db", os.path.join(work, "b.sqlite")], capture_output=True, text=True)
        check("cache stats reports the LLM counters", "LLM:" in stats.stdout, stats.stdout)
        server.stop()

    # 2. Concurrency never exceeds its bound.
    with tempfile.TemporaryDirectory() as work:
        server = Server(here, "--latency", "0.4")
        cfg = config(work, server.port, sample, concurrency=3)
        run = scan(billable, work, cfg, inputs, "--jobs", "8", "--batch-size", "50")
        s = server.stats()
        check("concurrency bound holds", run.returncode == 0 and s["max_in_flight"] <= 3, s["max_in_flight"])
        check("requests ran in parallel", s["max_in_flight"] >= 2, s["max_in_flight"])
        server.stop()

    # 3. 429 with Retry-After: retried after waiting, no fallback.
    with tempfile.TemporaryDirectory() as work:
        server = Server(here, "--fail-first", "2", "--fail-status", "429", "--retry-after", "1")
        cfg = config(work, server.port, sample, concurrency=1)
        started = time.time()
        run = scan(billable, work, cfg, inputs, "--jobs", "1")
        s = server.stats()
        manifest = json.load(open(os.path.join(work, "reports", "run.json")))
        check("429s are retried", run.returncode == 0 and manifest["llm"]["retries"] == 2 and manifest["llm"]["fallbacks"] == 0,
              manifest.get("llm"))
        gaps = [b - a for a, b in zip(s["times"], s["times"][1:3])]
        check("Retry-After is honoured", all(g >= 0.95 for g in gaps), gaps)
        server.stop()

    # 4. 500s and dropped connections are retried with backoff.
    with tempfile.TemporaryDirectory() as work:
        server = Server(here, "--fail-first", "1", "--fail-status", "503", "--reset-first", "0")
        cfg = config(work, server.port, sample, concurrency=1)
        run = scan(billable, work, cfg, inputs, "--jobs", "1")
        manifest = json.load(open(os.path.join(work, "reports", "run.json")))
        check("a 503 is retried", run.returncode == 0 and manifest["llm"]["retries"] == 1 and manifest["llm"]["fallbacks"] == 0,
              manifest.get("llm"))
        server.stop()
    with tempfile.TemporaryDirectory() as work:
        server = Server(here, "--reset-first", "1")
        cfg = config(work, server.port, sample, concurrency=1)
        run = scan(billable, work, cfg, inputs, "--jobs", "1")
        manifest = json.load(open(os.path.join(work, "reports", "run.json")))
        check("a reset connection is retried", run.returncode == 0 and manifest["llm"]["retries"] >= 1
              and manifest["llm"]["fallbacks"] == 0, manifest.get("llm"))
        server.stop()

    # 4a. A 32 MB answer is cut off at 8 MB and falls back, without holding it all.
    with tempfile.TemporaryDirectory() as work:
        server = Server(here, "--mode", "huge")
        cfg = config(work, server.port, sample, max_retries=0, breaker_failures=100, concurrency=2)
        run = scan(billable, work, cfg, [os.path.join(sample, "eml")], "--jobs", "2")
        manifest = json.load(open(os.path.join(work, "reports", "run.json")))
        llm = manifest["llm"]
        check("an oversized answer falls back", run.returncode == 0 and llm["fallbacks"] >= 1 and llm["fallbacks"] == llm["failures"], llm)
        server.stop()

    # 4b. A server slower than the timeout: retried, then the default analyzer.
    with tempfile.TemporaryDirectory() as work:
        server = Server(here, "--latency", "2")
        cfg = config(work, server.port, sample, timeout_seconds=1, max_retries=1, breaker_failures=100, concurrency=10)
        started = time.time()
        run = scan(billable, work, cfg, [os.path.join(sample, "eml")])
        manifest = json.load(open(os.path.join(work, "reports", "run.json")))
        llm = manifest["llm"]
        check("timeouts are retried then fall back", run.returncode == 0 and llm["retries"] >= 1 and llm["fallbacks"] >= 1
              and llm["failures"] == llm["fallbacks"], llm)
        check("a timed-out request does not hang the scan", time.time() - started < 30, time.time() - started)
        server.stop()

    # 5. A dead server: the breaker opens after N failures and the rest falls back at once.
    with tempfile.TemporaryDirectory() as work:
        server = Server(here, "--always-fail", "--fail-status", "500")
        cfg = config(work, server.port, sample, concurrency=1, max_retries=0, breaker_failures=2,
                     breaker_cooldown_seconds=60)
        run = scan(billable, work, cfg, inputs, "--jobs", "1")
        s = server.stats()
        rows = entries(work)
        check("the scan still completes", run.returncode == 0, run.stderr)
        check("the breaker stops requests after 2 failures", s["requests"] == 2, s["requests"])
        check("fallback entries say so", rows and all("(fallback:" in r[3] for r in rows), rows[:2])
        # Fallbacks are not cached under the model's key: a later run asks the model again.
        server.stop()
        server = Server(here)
        cfg = config(work, server.port, sample)
        again = scan(billable, work, cfg, inputs)
        check("fallback results are retried with the model later", again.returncode == 0 and server.stats()["requests"] > 0
              and any(r[3].startswith("llm:") for r in entries(work)), server.stats()["requests"])
        server.stop()

    # 6. Bad answers never reach the store: malformed, schema-violating, injected.
    for mode in ("malformed", "violation"):
        with tempfile.TemporaryDirectory() as work:
            server = Server(here, "--mode", mode)
            cfg = config(work, server.port, sample, max_retries=0, breaker_failures=100)
            run = scan(billable, work, cfg, inputs)
            rows = entries(work)
            check(f"{mode} answers fall back", run.returncode == 0 and rows and all("(fallback:" in r[3] for r in rows),
                  rows[:2])
            server.stop()
    with tempfile.TemporaryDirectory() as work:
        server = Server(here, "--mode", "injection")
        cfg = config(work, server.port, sample)
        run = scan(billable, work, cfg, inputs)
        rows = entries(work)
        check("injected 40-hour entries are rejected", run.returncode == 0 and all(r[2] < 24 for r in rows)
              and not any("40 hours" in r[4] or "Made up" in r[4] for r in rows), rows)
        server.stop()

    # 7. A server without response_format json_schema: a forced tool call instead.
    with tempfile.TemporaryDirectory() as work:
        server = Server(here, "--mode", "no-json-schema")
        cfg = config(work, server.port, sample)
        run = scan(billable, work, cfg, inputs)
        s = server.stats()
        check("falls back to a tool call", run.returncode == 0 and s["tools_requests"] > 0
              and any(r[3].startswith("llm:") for r in entries(work)), s)
        server.stop()

    print(f"llm: {results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])))
