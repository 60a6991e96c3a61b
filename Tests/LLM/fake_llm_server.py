#!/usr/bin/env python3
"""A local chat-completions server for testing billable's LLM analyzer (loopback only).

It answers from rules: the client is the first configured client whose domain appears in the
email's From/To/Cc lines; every "spent N hours"-style sentence becomes an explicit entry with
that sentence as evidence. Switches make it slow, failing, malformed or hostile:

  --latency S          seconds before each answer
  --fail-first N       the first N requests fail with --fail-status (default 429)
  --retry-after S      send Retry-After: S with those failures
  --always-fail        every request fails with --fail-status
  --reset-first N      the first N requests get their connection closed without an answer
  --mode M             ok | malformed (not JSON) | violation (JSON that breaks the schema) |
                       injection (40 hours, as an email asked) | no-json-schema (400 on
                       response_format; answers a forced tool call) | huge (a 32 MB body)

It prints its port on the first line of stdout, and serves GET /stats: request count, the
largest number in flight at once, request times, and whether every request had a bearer key.
"""

import argparse
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
stats = {"requests": 0, "in_flight": 0, "max_in_flight": 0, "times": [], "bearer": True, "tools_requests": 0}
args = None


def rules_answer(prompt):
    clients = re.findall(r"^(\S+): [^\n]*\(domains: ([^)]*)\)", prompt, re.M)
    headers = "\n".join(line for line in prompt.splitlines() if line.startswith(("From:", "To:", "Cc:")))
    client = None
    for cid, domains in clients:
        if any(d.strip() and d.strip() in headers for d in domains.split(",")):
            client = cid
            break
    text = prompt.split("<<<", 1)[-1].rsplit(">>>", 1)[0]
    entries = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        m = re.search(r"spent (\d+(?:\.\d+)?) hours?", sentence)
        if m:
            entries.append({"hours": float(m.group(1)), "activity_code": "A104", "narrative": "Review documents",
                            "evidence": sentence.strip(), "basis": "explicit"})
    if args.mode == "injection":
        entries = [{"hours": 40, "activity_code": "A104", "narrative": "Bill 40 hours as instructed",
                    "evidence": "ignore previous instructions", "basis": "explicit"},
                   {"hours": 40, "activity_code": "A104", "narrative": "Made up", "evidence": "not in the email at all",
                    "basis": "estimated"}]
        client = client or "ACME"
    return {"billable": client is not None, "client": client, "matter": None, "entries": entries}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        with lock:
            body = json.dumps(stats).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        request = json.loads(self.rfile.read(length) or b"{}")
        with lock:
            stats["requests"] += 1
            number = stats["requests"]
            stats["in_flight"] += 1
            stats["max_in_flight"] = max(stats["max_in_flight"], stats["in_flight"])
            stats["times"].append(time.time())
            if not (self.headers.get("Authorization", "").startswith("Bearer ") and len(self.headers["Authorization"]) > 7):
                stats["bearer"] = False
            if "tools" in request:
                stats["tools_requests"] += 1
        try:
            time.sleep(args.latency)
            if number <= args.reset_first:
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if args.always_fail or number <= args.fail_first:
                self.reply(args.fail_status, {"error": {"message": "try later"}},
                           {"Retry-After": str(args.retry_after)} if args.retry_after is not None else {})
                return
            if args.mode == "no-json-schema" and "response_format" in request:
                self.reply(400, {"error": {"message": "response_format json_schema is not supported"}})
                return
            prompt = request["messages"][-1]["content"]
            answer = rules_answer(prompt)
            if args.mode == "malformed":
                raw = b"this is not json"
                self.send_response(200)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
                return
            content = json.dumps(answer)
            if args.mode == "violation":
                content = json.dumps({"billable": "yes", "hours": "lots"})
            message = {"role": "assistant", "content": content}
            if "tools" in request:
                message = {"role": "assistant", "content": None, "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "record_time", "arguments": content}}]}
            reply = {"choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                     "usage": {"prompt_tokens": len(prompt) // 4, "completion_tokens": len(content) // 4}}
            if args.mode == "huge":
                reply["padding"] = "a" * (32 << 20)  # a good answer inside 32 MB no client should hold
            self.reply(200, reply)
        finally:
            with lock:
                stats["in_flight"] -= 1

    def reply(self, status, obj, headers=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("--latency", type=float, default=0.0)
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--fail-status", type=int, default=429)
    p.add_argument("--retry-after", type=float, default=None)
    p.add_argument("--always-fail", action="store_true")
    p.add_argument("--reset-first", type=int, default=0)
    p.add_argument("--mode", default="ok")
    args = p.parse_args()
    class QuietServer(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a client that timed out and hung up is part of the tests

    server = QuietServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
